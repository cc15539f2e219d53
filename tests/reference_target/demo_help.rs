//! `authprobe demo --help`: every flaw on one line with what it does.

use authprobe::cli::Cli;
use clap::CommandFactory as _;

#[test]
fn demo_help_lists_every_flaw_on_one_line() {
    let mut command = Cli::command().term_width(100);
    command.build();
    let demo = command
        .find_subcommand_mut("demo")
        .expect("a demo subcommand");
    let help = demo.render_long_help().to_string();
    for flaw in authprobe::reference_target::Flaw::ALL {
        let line = help
            .lines()
            .find(|line| {
                line.trim_start()
                    .starts_with(&format!("- {}:", flaw.name()))
            })
            .unwrap_or_else(|| panic!("{} is not listed", flaw.name()));
        assert!(line.ends_with(flaw.description()), "{line}");
    }
    insta::assert_snapshot!(help);
}
