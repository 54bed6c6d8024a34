//! The command line, a thin layer over the library: parse the flags
//! (`args`), resolve them with the config file once (`settings`), run one
//! command (one file each), print what a clerk reads (`terminal`), and turn
//! the outcome into an exit code.

mod args;
mod check;
mod forms;
mod init;
mod run;
mod samples;
mod settings;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use settings::Settings;
use terminal::Terminal;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        // Ignore the error when a pool already exists (tests call main twice).
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    let term = Terminal { quiet: cli.quiet };
    let result = match cli.command {
        Command::Init(a) => init::run(&a, &term),
        Command::Samples(a) => samples::run(&a, &term),
        Command::Forms(a) => {
            Settings::resolve(a.into(), forms::NEEDS).and_then(|s| forms::run(&s, &term))
        }
        Command::Check(a) => {
            Settings::resolve(a.into(), check::NEEDS).and_then(|s| check::run(&s, &term))
        }
        Command::Run(a) => {
            Settings::resolve(a.into(), run::NEEDS).and_then(|s| run::run(&s, &term))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            terminal::print_error(&e);
            ExitCode::FAILURE
        }
    }
}
