//! Catalog diagnostics as a compiler prints them: the position, the source line underlined, and
//! the fix. Rendering is codespan-reporting's; the messages are the catalog library's, the same
//! the proc macros show.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use partner_events_catalog::{Diagnostic, Severity};

/// How `check` prints diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The source line, underlined, with a help line.
    Rich,
    /// One `path:line:column: message` line per problem.
    Short,
}

/// The length of the token at `offset`, to underline it: a quoted scalar with its quotes, or a
/// plain word up to the YAML punctuation that ends it.
fn token_len(source: &str, offset: usize) -> usize {
    let rest = &source[offset.min(source.len())..];
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, quote @ ('"' | '\''))) => chars
            .find(|(_, c)| *c == quote)
            .map_or(rest.len(), |(i, c)| i + c.len_utf8()),
        Some(_) => {
            let end = rest
                .find(['\n', ':', ',', ']', '}', '#', '{', '['])
                .unwrap_or(rest.len());
            rest[..end].trim_end().len().max(1)
        }
    }
}

/// Renders every diagnostic of one file.
pub fn render(path: &str, source: &str, diagnostics: &[Diagnostic], format: Format) -> String {
    let mut out = String::new();
    if format == Format::Short {
        for diagnostic in diagnostics {
            out.push_str(&diagnostic.display_with_path(path).to_string());
            out.push('\n');
        }
        return out;
    }
    let file = SimpleFile::new(path, source);
    let config = Config::default();
    for diagnostic in diagnostics {
        let start = diagnostic.position.offset.min(source.len());
        let end = (start + token_len(source, start)).min(source.len());
        let mut message = diagnostic.message.clone();
        if let Some(event) = &diagnostic.event {
            message = format!("event `{event}`: {message}");
        }
        let report = match diagnostic.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(message)
        .with_labels(vec![Label::primary((), start..end)])
        .with_notes(
            diagnostic
                .help
                .iter()
                .map(|help| format!("help: {help}"))
                .collect(),
        );
        // rendering into a String only fails for positions outside the file, which the loader
        // never produces; the short form is the fallback all the same
        match term::emit_into_string(&config, &file, &report) {
            Ok(text) => out.push_str(&text),
            Err(_) => {
                out.push_str(&diagnostic.display_with_path(path).to_string());
                out.push('\n');
            }
        }
    }
    out
}
