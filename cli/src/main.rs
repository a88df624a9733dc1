//! `partner-events`: the catalog maintainer's command-line tool.
//!
//! Every rule and message comes from `partner-events-catalog`, the library the proc macros use,
//! so `check` reports exactly what a build would.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use partner_events::{CatalogDate, Decoder, SunsetPolicy};
use partner_events_catalog::{Catalog, Severity};

mod decode;

/// Exit status when the catalog has problems.
const EXIT_PROBLEMS: u8 = 1;
/// Exit status when the input cannot be read at all.
const EXIT_UNREADABLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "partner-events",
    version,
    about = "Check, document and inspect the 8x8 partner event catalog"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the catalog: every problem as `path:line:column: message`; exit 1 if any error.
    Check(CatalogArg),
    /// Print the documentation page (the "Received" and "Send" tables) from the catalog.
    Docs(CatalogArg),
    /// Decode SDK messages, one JSON message per line, with the catalog compiled into this tool;
    /// print one JSON report per line. Exit status is non-zero only if the input is unreadable.
    Decode(DecodeArgs),
}

#[derive(clap::Args)]
struct DecodeArgs {
    /// The file of messages, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    input: PathBuf,
    /// Judge lifecycles on this date (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_parser = decode::parse_date)]
    as_of: Option<CatalogDate>,
    /// What to do with events past their sunset: accept, flag or reject.
    #[arg(long, default_value = "flag", value_parser = decode::parse_sunset_policy)]
    sunset: SunsetPolicy,
}

#[derive(clap::Args)]
struct CatalogArg {
    /// The catalog file.
    #[arg(long, default_value_os_t = default_catalog())]
    catalog: PathBuf,
}

/// `catalog.yaml` in the current directory, which is the repository root under `cargo run`.
fn default_catalog() -> PathBuf {
    PathBuf::from("catalog.yaml")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(arg) => check(&arg.catalog),
        Command::Docs(arg) => match load(&arg.catalog) {
            Ok(catalog) => {
                print!("{}", partner_events_catalog::docs::page(&catalog));
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Decode(args) => decode_command(&args),
    }
}

fn decode_command(args: &DecodeArgs) -> ExitCode {
    let mut decoder = Decoder::new().sunset_policy(args.sunset);
    if let Some(date) = args.as_of {
        decoder = decoder.as_of(date);
    }
    let stdout = std::io::stdout().lock();
    let result = if args.input.as_os_str() == "-" {
        decode::decode_lines(&decoder, std::io::stdin().lock(), stdout)
    } else {
        match std::fs::File::open(&args.input) {
            Ok(file) => decode::decode_lines(&decoder, std::io::BufReader::new(file), stdout),
            Err(error) => Err(error),
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.input.display());
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}

fn read(path: &Path) -> Result<partner_events_catalog::Loaded, ExitCode> {
    partner_events_catalog::load_file(path).map_err(|error| {
        eprintln!("error: cannot read catalog `{}`: {error}", path.display());
        ExitCode::from(EXIT_UNREADABLE)
    })
}

fn print_diagnostics(path: &Path, loaded: &partner_events_catalog::Loaded) {
    let shown = path.display().to_string();
    for diagnostic in &loaded.diagnostics {
        eprintln!("{}", diagnostic.display_with_path(&shown));
    }
}

/// Loads a catalog for a command that needs a valid one; problems are printed and exit 1.
fn load(path: &Path) -> Result<Catalog, ExitCode> {
    let loaded = read(path)?;
    match loaded.catalog {
        Some(catalog) => Ok(catalog),
        None => {
            print_diagnostics(path, &loaded);
            Err(ExitCode::from(EXIT_PROBLEMS))
        }
    }
}

fn check(path: &Path) -> ExitCode {
    let loaded = match read(path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    print_diagnostics(path, &loaded);
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = loaded.diagnostics.len() - errors;
    if errors > 0 {
        eprintln!(
            "{}: {errors} error(s), {warnings} warning(s)",
            path.display()
        );
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        let events = loaded.catalog.as_ref().map_or(0, |c| c.events.len());
        println!(
            "{}: ok, {events} events, {warnings} warning(s)",
            path.display()
        );
        ExitCode::SUCCESS
    }
}
