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
mod generate;
mod report;
mod tooling;

/// Exit status when the catalog has problems.
pub(crate) const EXIT_PROBLEMS: u8 = 1;
/// Exit status when the input cannot be read at all.
pub(crate) const EXIT_UNREADABLE: u8 = 2;

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
    /// Validate the catalog: every problem with its position, source line and fix. Exit 0 when
    /// clean, 1 when there are errors, 2 when the file cannot be read.
    Check(CheckArgs),
    /// Print the documentation page (the "Received" and "Send" tables) from the catalog.
    Docs(CatalogArg),
    /// Decode SDK messages, one JSON message per line, with the catalog compiled into this tool;
    /// print one JSON report per line. Exit status is non-zero only if the input is unreadable.
    Decode(DecodeArgs),
    /// Print JSON Schema (draft 2020-12): one event's payload, or every event's by name and
    /// version, with the SDK envelope.
    Schema(SchemaArgs),
    /// Show every event's lifecycle on a date: not yet active, active, deprecated (with days left
    /// to sunset) or sunset. Events that sunset within 30 days are marked.
    Lifecycle(LifecycleArgs),
    /// Compare two catalogs: added and removed events and versions, payload and lifecycle
    /// changes. Exit 1 when a change breaks partners without a new major schema version.
    Diff(DiffArgs),
    /// Print valid samples of an event, one JSON line each: for an event the host sends, the SDK
    /// event message `onMessage` receives; for an event the partner sends, the `sendEvent`
    /// request the partner's SDK posts. A full one (every optional field, every array non-empty)
    /// by default, a minimal one, or N random ones from a seed (the same seed, the same samples).
    /// For tests and the host simulator.
    Sample(SampleArgs),
    /// Write one TypeScript module for a partner's page: a type and a zod (v4) schema for every
    /// shape and event version, every event's lifecycle, and `decode`, `route` and
    /// `sendEventArgs` with the Rust decoder's rules. Exit 1 on catalog problems, 2 when `--out`
    /// cannot be written.
    Typescript(TypescriptArgs),
    /// Write an AsyncAPI 3.0 document of the catalog: what the host sends (received) and what
    /// the partner sends, one message per event and schema version.
    Asyncapi(AsyncapiArgs),
}

#[derive(clap::Args)]
struct TypescriptArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// The file to write (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct AsyncapiArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// `yaml` or `json`.
    #[arg(long, value_enum, default_value = "yaml")]
    format: generate::Format,
    /// The file to write (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SampleArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// The event.
    event: String,
    /// The schema version (default: the event's newest).
    #[arg(long)]
    version: Option<String>,
    /// Required fields only.
    #[arg(long, conflicts_with_all = ["full", "count"])]
    minimal: bool,
    /// Every optional field present, every array non-empty (the default).
    #[arg(long, conflicts_with = "count")]
    full: bool,
    /// This many random samples.
    #[arg(long)]
    count: Option<usize>,
    /// The random samples' seed.
    #[arg(long, default_value_t = 0, requires = "count")]
    seed: u64,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// `rich` (source line underlined, with help) or `short` (one line per problem).
    #[arg(long, value_enum, default_value = "rich")]
    format: report::Format,
}

#[derive(clap::Args)]
struct SchemaArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// The event; without it, every event.
    event: Option<String>,
    /// The schema version (default: the event's newest).
    #[arg(long, requires = "event")]
    version: Option<String>,
}

#[derive(clap::Args)]
struct LifecycleArgs {
    #[command(flatten)]
    catalog: CatalogArg,
    /// The date to judge on, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_parser = decode::parse_date)]
    as_of: Option<CatalogDate>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The catalog before the change.
    old: PathBuf,
    /// The catalog after the change.
    new: PathBuf,
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
        Command::Check(args) => check(&args.catalog.catalog, args.format),
        Command::Docs(arg) => match load(&arg.catalog) {
            Ok(catalog) => {
                print!("{}", partner_events_catalog::docs::page(&catalog));
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Decode(args) => decode_command(&args),
        Command::Typescript(args) => {
            generate::typescript(&args.catalog.catalog, args.out.as_deref())
        }
        Command::Asyncapi(args) => {
            generate::asyncapi(&args.catalog.catalog, args.format, args.out.as_deref())
        }
        Command::Schema(args) => tooling::schema(
            &args.catalog.catalog,
            args.event.as_deref(),
            args.version.as_deref(),
        ),
        Command::Lifecycle(args) => {
            tooling::lifecycle(&args.catalog.catalog, args.as_of, args.json)
        }
        Command::Diff(args) => tooling::diff(&args.old, &args.new),
        Command::Sample(args) => tooling::sample(
            &args.catalog.catalog,
            &args.event,
            args.version.as_deref(),
            match (args.minimal, args.count) {
                (true, _) => tooling::SampleMode::Minimal,
                (false, Some(count)) => tooling::SampleMode::Random {
                    count,
                    seed: args.seed,
                },
                (false, None) => tooling::SampleMode::Full,
            },
        ),
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

/// The catalog's text, for showing a diagnostic found after loading.
pub(crate) fn read_source(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn read(path: &Path) -> Result<(String, partner_events_catalog::Loaded), ExitCode> {
    match std::fs::read_to_string(path) {
        Ok(source) => {
            let loaded = partner_events_catalog::load_str(&source);
            Ok((source, loaded))
        }
        Err(error) => {
            eprintln!("error: cannot read catalog `{}`: {error}", path.display());
            Err(ExitCode::from(EXIT_UNREADABLE))
        }
    }
}

/// Loads a catalog for a command that needs a valid one; problems are printed and exit 1.
pub(crate) fn load(path: &Path) -> Result<Catalog, ExitCode> {
    let (source, loaded) = read(path)?;
    match loaded.catalog {
        Some(catalog) => Ok(catalog),
        None => {
            let shown = path.display().to_string();
            eprint!(
                "{}",
                report::render(&shown, &source, &loaded.diagnostics, report::Format::Rich)
            );
            Err(ExitCode::from(EXIT_PROBLEMS))
        }
    }
}

fn check(path: &Path, format: report::Format) -> ExitCode {
    let (source, loaded) = match read(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let shown = path.display().to_string();
    eprint!(
        "{}",
        report::render(&shown, &source, &loaded.diagnostics, format)
    );
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = loaded.diagnostics.len() - errors;
    if errors > 0 {
        eprintln!("{shown}: {errors} error(s), {warnings} warning(s)");
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        let events = loaded.catalog.as_ref().map_or(0, |c| c.events.len());
        println!("{shown}: ok, {events} events, {warnings} warning(s)");
        ExitCode::SUCCESS
    }
}
