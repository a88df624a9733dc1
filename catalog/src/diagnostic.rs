//! Diagnostics about a catalog: what is wrong, where, and how to fix it.
//!
//! Every rule reports through [`Diagnostics`], so the proc macro, the command-line tool and the
//! tests all show the same words for the same mistake.

use std::fmt;

use crate::yaml::Position;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The catalog cannot be used.
    Error,
    /// The catalog works, but something is probably a mistake (reported by `check` only).
    Warning,
}

/// One problem found in a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the catalog the problem is.
    pub position: Position,
    /// The event the problem belongs to, when it belongs to one.
    pub event: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when a fix is likely.
    pub help: Option<String>,
}

impl Diagnostic {
    /// The message with its event and help, without the position: `event `x`: message; help`.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if let Some(event) = &self.event {
            text.push_str(&format!("event `{event}`: "));
        }
        text.push_str(&self.message);
        if let Some(help) = &self.help {
            text.push_str("; ");
            text.push_str(help);
        }
        text
    }

    /// The diagnostic as one compiler-style line, `path:line:column: text` (`warning: ` before the
    /// text of a warning).
    pub fn display_with_path<'a>(&'a self, path: &'a str) -> impl fmt::Display + 'a {
        DisplayWithPath {
            diagnostic: self,
            path,
        }
    }
}

struct DisplayWithPath<'a> {
    diagnostic: &'a Diagnostic,
    path: &'a str,
}

impl fmt::Display for DisplayWithPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Errors are the normal case and a compiler prints its own "error:" before the text, so
        // only warnings are labelled.
        let severity = match self.diagnostic.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(
            f,
            "{}:{}:{}: {severity}{}",
            self.path,
            self.diagnostic.position.line,
            self.diagnostic.position.column,
            self.diagnostic.text()
        )
    }
}

/// Collects diagnostics while a catalog is read, so one pass reports all of them.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, position: Position, event: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Error, position, event, message.into(), None);
    }

    /// Records an error with a help text.
    pub fn error_with_help(
        &mut self,
        position: Position,
        event: Option<&str>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Error, position, event, message.into(), help);
    }

    /// Records a warning.
    pub fn warning(&mut self, position: Position, event: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Warning, position, event, message.into(), None);
    }

    fn push(
        &mut self,
        severity: Severity,
        position: Position,
        event: Option<&str>,
        message: String,
        help: Option<String>,
    ) {
        self.items.push(Diagnostic {
            severity,
            position,
            event: event.map(str::to_owned),
            message,
            help,
        });
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, ordered by position so output is stable.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.position, d.severity));
        self.items
    }
}

/// "did you mean `x`?" for the closest candidate, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(found, candidates).map(|best| format!("did you mean `{best}`?"))
}

/// The candidate closest to `found`, when one is close enough to be a likely typo.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(found, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("sunsett", ["active", "sunset", "deprecation"]),
            Some("did you mean `sunset`?".to_owned())
        );
        assert_eq!(did_you_mean("colour", ["active", "sunset"]), None);
        assert_eq!(
            closest(
                "aw-interaction-hodl-v1",
                ["aw-interaction-hold-v1", "aw-interaction-mute-v1"]
            ),
            Some("aw-interaction-hold-v1")
        );
    }

    #[test]
    fn display_is_compiler_style() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.error_with_help(
            Position {
                line: 3,
                column: 5,
                offset: 20,
            },
            Some("aw-x-v1"),
            "unknown key `sunsett`",
            Some("did you mean `sunset`?".into()),
        );
        let all = diagnostics.into_sorted();
        assert_eq!(
            all[0].display_with_path("catalog.yaml").to_string(),
            "catalog.yaml:3:5: event `aw-x-v1`: unknown key `sunsett`; did you mean `sunset`?"
        );
    }
}
