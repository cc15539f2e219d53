//! The `authprobe` binary: everything happens in [`authprobe::cli::main`].

/// See Cargo.toml for why: a run is mostly small, short-lived allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    authprobe::cli::main()
}
