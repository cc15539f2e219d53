//! The `authprobe` binary: everything happens in [`authprobe::cli::main`].

fn main() -> std::process::ExitCode {
    authprobe::cli::main()
}
