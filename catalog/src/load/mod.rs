//! Reading a catalog: YAML text in, [`Catalog`] or every [`Diagnostic`] out.
//!
//! Each rule of the catalog format lives here exactly once. Reading never stops at the first
//! problem: a bad value is reported and skipped, and the walk goes on, so one `cargo build` or
//! one `check` shows the maintainer everything to fix.
//!
//! The steps, one file each: this file holds the loader and its generic node readers; `read`
//! reads the catalog, its events, versions and payloads; `types` reads field types; `resolve`
//! copies `extends` bases into the objects that extend them; `check` holds the rules that need the
//! whole catalog.

mod check;
mod read;
mod resolve;
mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::date::Date;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::layout;
use crate::model::{
    Catalog, Direction, Event, Field, Object, Payload, Shape, Status, Type, Version,
};
use crate::naming;
use crate::yaml::{self, Node, Position, Value};

/// The outcome of loading: the catalog when it has no errors, and every diagnostic (errors and
/// warnings) in source order.
#[derive(Debug)]
pub struct Loaded {
    /// The catalog, when there were no errors.
    pub catalog: Option<Catalog>,
    /// Every error and warning, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
}

const TOP_KEYS: &[&str] = &["shapes", "events"];
const EVENT_KEYS: &[&str] = &[
    "name",
    "direction",
    "status",
    "active",
    "deprecation",
    "sunset",
    "replaced_by",
    "doc_link",
    "doc",
    "payloads",
];
const PAYLOAD_KEYS: &[&str] = &["fields", "extends", "open"];
const SHAPE_KEYS: &[&str] = &[
    "doc", "type", "enum", "literal", "fields", "extends", "items", "values", "one_of",
];
const TYPE_KEYS: &[&str] = &[
    "type", "enum", "literal", "fields", "extends", "items", "values", "one_of",
];
const FIELD_ONLY_KEYS: &[&str] = &["optional", "nullable", "doc", "host_sends"];
const SCALAR_TYPES: &[&str] = &["string", "number", "boolean", "json"];
const TYPE_WORDS: &[&str] = &[
    "string", "number", "boolean", "json", "object", "array", "map",
];
/// Names the code generator adds next to the catalog's types.
pub const RESERVED_TYPE_NAMES: &[&str] = &["Received", "Sent", "Catalog"];

/// Parses and validates catalog text.
pub fn load_str(source: &str) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let catalog = match yaml::parse(source) {
        Err(error) => {
            diagnostics.error(
                error.position,
                None,
                format!("YAML syntax: {}", error.message),
            );
            None
        }
        Ok(None) => {
            diagnostics.error(
                yaml::position_at(source, 0),
                None,
                "the catalog is empty; it needs an `events:` list with at least one event",
            );
            None
        }
        Ok(Some(root)) => {
            let catalog = Loader::new(&mut diagnostics).catalog(&root);
            Some(catalog)
        }
    };
    let catalog = catalog.filter(|_| !diagnostics.has_errors());
    Loaded {
        catalog,
        diagnostics: diagnostics.into_sorted(),
    }
}

/// A mapping node with its keys checked: unknown and repeated keys are reported once, on creation.
struct Keys<'n> {
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
    position: Position,
}

impl<'n> Keys<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn key_position(&self, key: &str) -> Position {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(self.position, |(_, k, _)| k.position)
    }
}

struct Loader<'d> {
    diagnostics: &'d mut Diagnostics,
    /// Shape names, known before any type is read so references can be checked in one pass.
    shape_names: BTreeSet<String>,
    /// Shapes referenced anywhere, for the unused-shape warning.
    used_shapes: BTreeSet<String>,
    /// The event being read, named in every diagnostic.
    event: Option<String>,
    /// Every event entry's name and position, including entries with errors, so that repeats and
    /// `replaced_by` are checked against what the file says rather than what loaded cleanly.
    event_names: Vec<(String, Position)>,
    /// `replaced_by` of each event: (event, target, position of the value).
    replacements: Vec<(String, String, Position)>,
}

impl<'d> Loader<'d> {
    fn new(diagnostics: &'d mut Diagnostics) -> Self {
        Loader {
            diagnostics,
            shape_names: BTreeSet::new(),
            used_shapes: BTreeSet::new(),
            event: None,
            event_names: Vec::new(),
            replacements: Vec::new(),
        }
    }

    fn error(&mut self, position: Position, message: impl Into<String>) {
        let event = self.event.clone();
        self.diagnostics.error(position, event.as_deref(), message);
    }

    fn error_with_help(
        &mut self,
        position: Position,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let event = self.event.clone();
        self.diagnostics
            .error_with_help(position, event.as_deref(), message, help);
    }

    // ---- generic node readers --------------------------------------------------------------

    /// Reads a mapping, reporting keys outside `known` (with a did-you-mean) and repeated keys.
    fn keys<'n>(&mut self, node: &'n Node, known: &[&str], what: &str) -> Option<Keys<'n>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!("{what} must be a mapping, found {}", node.value.kind()),
            );
            return None;
        };
        let mut keys = Keys {
            entries: Vec::new(),
            position: node.position,
        };
        for (key, value) in entries {
            let Value::Scalar(name) = &key.value else {
                self.error(key.position, format!("keys of {what} must be plain words"));
                continue;
            };
            if keys.has(name) {
                self.error(key.position, format!("key `{name}` is repeated in {what}"));
                continue;
            }
            if !known.contains(&name.as_str()) {
                let help = did_you_mean(name, known.iter().copied())
                    .or_else(|| Some(format!("the keys of {what} are: {}", known.join(", "))));
                self.error_with_help(
                    key.position,
                    format!("unknown key `{name}` in {what}"),
                    help,
                );
                continue;
            }
            keys.entries.push((name.as_str(), key, value));
        }
        Some(keys)
    }

    fn required<'n>(&mut self, keys: &Keys<'n>, key: &str, what: &str) -> Option<&'n Node> {
        let node = keys.get(key);
        if node.is_none() {
            self.error(
                keys.position,
                format!("missing required key `{key}` in {what}"),
            );
        }
        node
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Scalar(text) => Some(text.clone()),
            other => {
                self.error(
                    node.position,
                    format!("{what} must be a string, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar(text) if text == "true" => Some(true),
            Value::Scalar(text) if text == "false" => Some(false),
            _ => {
                self.error(node.position, format!("{what} must be `true` or `false`"));
                None
            }
        }
    }

    fn date(&mut self, node: &Node, key: &str) -> Option<Date> {
        let text = self.string(node, &format!("`{key}`"))?;
        match Date::parse_iso(&text) {
            Some(date) => Some(date),
            None => {
                let shaped = text.len() == 10
                    && text.char_indices().all(|(i, c)| {
                        if i == 4 || i == 7 {
                            c == '-'
                        } else {
                            c.is_ascii_digit()
                        }
                    });
                let message = if shaped {
                    format!("`{key}` date `{text}` is not a real date")
                } else {
                    format!("`{key}` date `{text}` is not an ISO date")
                };
                self.error_with_help(
                    node.position,
                    message,
                    Some("write it as YYYY-MM-DD, e.g. 2025-03-26".into()),
                );
                None
            }
        }
    }
}
