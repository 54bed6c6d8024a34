//! The command line, a thin layer over the library: parse the flags
//! (`args`), resolve them with the config file once (`settings`), run one
//! command (one file each), print what a clerk reads (`terminal`), and turn
//! the outcome into an exit code.

mod args;
mod check;
mod docs;
mod forms;
mod init;
mod rollup;
mod run;
mod samples;
mod settings;
mod terminal;
mod usage_error;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use settings::Settings;
use terminal::Terminal;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_failure(&e),
    };
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
        Command::Rollup(a) => {
            Settings::resolve((&a).into(), rollup::NEEDS).and_then(|s| rollup::run(&a, &s, &term))
        }
        Command::Forms(a) => {
            Settings::resolve(a.into(), forms::NEEDS).and_then(|s| forms::run(&s, &term))
        }
        Command::Check(a) => {
            Settings::resolve(a.into(), check::NEEDS).and_then(|s| check::run(&s, &term))
        }
        Command::Run(a) => {
            Settings::resolve(a.into(), run::NEEDS).and_then(|s| run::run(&s, &term))
        }
        Command::Docs(a) => {
            Settings::resolve(a.into(), docs::NEEDS).and_then(|s| docs::run(&s, &term))
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

/// A command line clap could not parse: its error in Chinese (help and
/// version are printed by clap as they are), with clap's exit code.
fn usage_failure(e: &clap::Error) -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match usage_error::message(e, &args) {
        Some(text) => {
            terminal::print_usage_error(&text);
            ExitCode::from(e.exit_code().clamp(1, 255) as u8)
        }
        None => {
            let _ = e.print();
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
    }
}
