//! `typescript` and `asyncapi`: the catalog for the page's language and for AsyncAPI tools.
//!
//! Both load the catalog as every command does (its problems printed as `check` prints them,
//! exit 1), build the whole output in memory, and only then write it, so a bad catalog or a
//! refused name leaves no half-written file behind.

use std::path::Path;
use std::process::ExitCode;

use partner_events_catalog::{asyncapi, typescript};

use crate::{load, read_source, report, EXIT_PROBLEMS, EXIT_UNREADABLE};

/// `asyncapi --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML, the form AsyncAPI documents are usually kept in.
    Yaml,
    /// JSON.
    Json,
}

pub fn typescript(catalog_path: &Path, out: Option<&Path>) -> ExitCode {
    let catalog = match load(catalog_path) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    match typescript::module(&catalog) {
        Ok(module) => write(out, &module),
        Err(diagnostics) => {
            let shown = catalog_path.display().to_string();
            let source = read_source(catalog_path).unwrap_or_default();
            eprint!(
                "{}",
                report::render(&shown, &source, &diagnostics, report::Format::Rich)
            );
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}

pub fn asyncapi(catalog_path: &Path, format: Format, out: Option<&Path>) -> ExitCode {
    let catalog = match load(catalog_path) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let document = asyncapi::document(&catalog);
    let text = match format {
        Format::Yaml => asyncapi::to_yaml(&document),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&document).expect("JSON values serialize");
            text.push('\n');
            text
        }
    };
    write(out, &text)
}

/// Writes `text` to `out`, or to standard output without one.
fn write(out: Option<&Path>, text: &str) -> ExitCode {
    let Some(path) = out else {
        print!("{text}");
        return ExitCode::SUCCESS;
    };
    match std::fs::write(path, text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}
