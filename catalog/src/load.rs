//! Reading a catalog: YAML text in, [`Catalog`] or every [`Diagnostic`] out.
//!
//! Each rule of the catalog format lives here exactly once. Reading never stops at the first
//! problem: a bad value is reported and skipped, and the walk goes on, so one `cargo build` or
//! one `check` shows the maintainer everything to fix.

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

    // ---- the catalog -----------------------------------------------------------------------

    fn catalog(&mut self, root: &Node) -> Catalog {
        let mut catalog = Catalog {
            shapes: BTreeMap::new(),
            events: Vec::new(),
        };
        let Some(top) = self.keys(root, TOP_KEYS, "the catalog") else {
            return catalog;
        };
        // Shape names first, so that every reference can be checked while it is read.
        let shape_entries = top
            .get("shapes")
            .map(|node| self.shape_entries(node))
            .unwrap_or_default();
        for (name, _, _) in &shape_entries {
            self.shape_names.insert(name.clone());
        }
        for (name, name_position, node) in shape_entries {
            if let Some(shape) = self.shape(&name, name_position, node) {
                catalog.shapes.insert(name, shape);
            }
        }
        match self.required(&top, "events", "the catalog") {
            None => {}
            Some(node) => match &node.value {
                Value::Sequence(items) if items.is_empty() => self.error(
                    node.position,
                    "the catalog is empty: `events:` has no events",
                ),
                Value::Sequence(items) => {
                    for item in items {
                        if let Some(event) = self.event(item) {
                            catalog.events.push(event);
                        }
                        self.event = None;
                    }
                }
                Value::Null => self.error(
                    node.position,
                    "the catalog is empty: `events:` has no events",
                ),
                other => self.error(
                    node.position,
                    format!(
                        "`events` must be a sequence of events, found {}",
                        other.kind()
                    ),
                ),
            },
        }
        self.resolve_extends(&mut catalog);
        self.check_catalog(&catalog);
        catalog
    }

    fn shape_entries<'n>(&mut self, node: &'n Node) -> Vec<(String, Position, &'n Node)> {
        let Value::Mapping(entries) = &node.value else {
            if node.value != Value::Null {
                self.error(
                    node.position,
                    format!(
                        "`shapes` must be a mapping of names to shapes, found {}",
                        node.value.kind()
                    ),
                );
            }
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (key, value) in entries {
            let Some(name) = self.string(key, "a shape name") else {
                continue;
            };
            if !seen.insert(name.clone()) {
                self.error(key.position, format!("shape `{name}` is defined twice"));
                continue;
            }
            if !naming::is_valid_shape_name(&name) {
                self.error_with_help(
                    key.position,
                    format!("shape name `{name}` is not UpperCamelCase"),
                    Some("shape names start with a capital letter and use only letters and digits, e.g. `ChatMessage`".into()),
                );
                continue;
            }
            out.push((name, key.position, value));
        }
        out
    }

    fn shape(&mut self, name: &str, name_position: Position, node: &Node) -> Option<Shape> {
        let what = format!("shape `{name}`");
        let (ty, doc) = match &node.value {
            Value::Scalar(_) => (self.type_expr(node, &what)?, None),
            _ => {
                let keys = self.keys(node, SHAPE_KEYS, &what)?;
                let doc = keys.get("doc").and_then(|n| self.string(n, "`doc`"));
                (self.type_mapping(node, &keys, &what)?, doc)
            }
        };
        Some(Shape {
            name: name.to_owned(),
            doc,
            ty,
            position: name_position,
        })
    }

    fn event(&mut self, node: &Node) -> Option<Event> {
        // Name the event in diagnostics as early as possible, even when other keys are wrong.
        if let Value::Mapping(entries) = &node.value {
            self.event = entries
                .iter()
                .find_map(|(k, v)| match (&k.value, &v.value) {
                    (Value::Scalar(k), Value::Scalar(v)) if k == "name" => Some(v.clone()),
                    _ => None,
                });
        }
        if let Some(name) = &self.event {
            self.event_names.push((name.clone(), node.position));
        }
        let keys = self.keys(node, EVENT_KEYS, "an event")?;
        let name = self
            .required(&keys, "name", "an event")
            .and_then(|n| self.string(n, "`name`"));
        if let (Some(name), Some(node)) = (&name, keys.get("name")) {
            if !naming::is_valid_event_name(name) {
                self.error_with_help(
                    node.position,
                    format!("event name `{name}` is not in the documented form"),
                    Some("use lowercase words joined by `-`, ending in `-v<N>`, e.g. `aw-interaction-hold-v1`".into()),
                );
            }
        }
        let direction = self.required(&keys, "direction", "an event").and_then(|n| {
            match self.string(n, "`direction`")?.as_str() {
                "received" => Some(Direction::Received),
                "send" => Some(Direction::Send),
                other => {
                    let help = did_you_mean(other, ["received", "send"])
                        .or(Some("use `received` or `send`".into()));
                    self.error_with_help(n.position, format!("unknown direction `{other}`"), help);
                    None
                }
            }
        });
        let status = self.required(&keys, "status", "an event").and_then(|n| {
            match self.string(n, "`status`")?.as_str() {
                "active" => Some(Status::Active),
                "deprecated" => Some(Status::Deprecated),
                "sunset" => Some(Status::Sunset),
                other => {
                    let help = did_you_mean(other, Status::ALL)
                        .or(Some(format!("use one of: {}", Status::ALL.join(", "))));
                    self.error_with_help(n.position, format!("unknown status `{other}`"), help);
                    None
                }
            }
        });
        let active = self
            .required(&keys, "active", "an event")
            .and_then(|n| self.date(n, "active"));
        let deprecation = self.optional_date(&keys, "deprecation");
        let sunset = self.optional_date(&keys, "sunset");
        let replaced_by = self.optional_string(&keys, "replaced_by");
        if let (Some(Some(target)), Some(node), Some(event)) =
            (&replaced_by, keys.get("replaced_by"), &self.event)
        {
            self.replacements
                .push((event.clone(), target.clone(), node.position));
        }
        let doc_link = self.optional_string(&keys, "doc_link");
        let doc = self.optional_string(&keys, "doc");
        self.check_dates(&keys, active, deprecation.flatten(), sunset.flatten());
        let versions = self
            .required(&keys, "payloads", "an event")
            .and_then(|n| self.versions(n));
        Some(Event {
            name: name?,
            direction: direction?,
            status: status?,
            active: active?,
            deprecation: deprecation?,
            sunset: sunset?,
            replaced_by: replaced_by?,
            doc_link: doc_link?,
            doc: doc?,
            versions: versions?,
            position: node.position,
        })
    }

    /// `Some(None)` when absent, `None` when present but wrong (already reported).
    fn optional_date(&mut self, keys: &Keys<'_>, key: &str) -> Option<Option<Date>> {
        match keys.get(key) {
            None => Some(None),
            Some(node) if node.value == Value::Null => Some(None),
            Some(node) => self.date(node, key).map(Some),
        }
    }

    fn optional_string(&mut self, keys: &Keys<'_>, key: &str) -> Option<Option<String>> {
        match keys.get(key) {
            None => Some(None),
            Some(node) if node.value == Value::Null => Some(None),
            Some(node) => self.string(node, &format!("`{key}`")).map(Some),
        }
    }

    fn check_dates(
        &mut self,
        keys: &Keys<'_>,
        active: Option<Date>,
        deprecation: Option<Date>,
        sunset: Option<Date>,
    ) {
        if let (Some(active), Some(deprecation)) = (active, deprecation) {
            if deprecation <= active {
                self.error(
                    keys.key_position("deprecation"),
                    format!(
                        "deprecation date {deprecation} must come after the active date {active}"
                    ),
                );
            }
        }
        if let (Some(deprecation), Some(sunset)) = (deprecation, sunset) {
            if sunset <= deprecation {
                self.error(
                    keys.key_position("sunset"),
                    format!(
                        "sunset date {sunset} must come after the deprecation date {deprecation}"
                    ),
                );
            }
        }
        let sunset_given = matches!(keys.get("sunset"), Some(n) if n.value != Value::Null);
        let deprecation_given =
            matches!(keys.get("deprecation"), Some(n) if n.value != Value::Null);
        if sunset_given && !deprecation_given {
            self.error_with_help(
                keys.key_position("sunset"),
                "a sunset date needs a deprecation date",
                Some("add `deprecation: YYYY-MM-DD` before the sunset".into()),
            );
        }
    }

    fn versions(&mut self, node: &Node) -> Option<Vec<Version>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "`payloads` must map schema versions to payloads, found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        if entries.is_empty() {
            self.error(node.position, "`payloads` lists no schema version");
            return None;
        }
        let mut ok = true;
        let mut versions: Vec<Version> = Vec::new();
        for (key, value) in entries {
            let Some(text) = self.string(key, "a schema version") else {
                ok = false;
                let _ = self.payload(value, "unnamed");
                continue;
            };
            let problem = match semver::Version::parse(&text) {
                Ok(v) if v.pre.is_empty() && v.build.is_empty() => Ok(v),
                Ok(_) => Err("has a pre-release or build suffix"),
                Err(_) => Err("is not a semantic version"),
            };
            let version = match problem {
                Ok(version) => version,
                Err(problem) => {
                    self.error_with_help(
                        key.position,
                        format!("schema version `{text}` {problem}"),
                        Some("schema versions are plain MAJOR.MINOR.PATCH, e.g. `1.0.0`".into()),
                    );
                    ok = false;
                    // still read the payload, for its own diagnostics
                    let _ = self.payload(value, &text);
                    continue;
                }
            };
            if versions.iter().any(|v| v.version == version) {
                self.error(
                    key.position,
                    format!("schema version `{text}` is listed twice"),
                );
                ok = false;
                continue;
            }
            match self.payload(value, &text) {
                Some(payload) => versions.push(Version {
                    version,
                    payload,
                    position: key.position,
                }),
                None => ok = false,
            }
        }
        versions.sort_by(|a, b| a.version.cmp(&b.version));
        ok.then_some(versions)
    }

    fn payload(&mut self, node: &Node, version: &str) -> Option<Payload> {
        let what = format!("the {version} payload");
        let keys = self.keys(node, PAYLOAD_KEYS, &what)?;
        if let Some(open) = keys.get("open") {
            if keys.has("fields") || keys.has("extends") {
                self.error(
                    open.position,
                    "an `open` payload has no `fields` or `extends`: it is kept as JSON as it comes",
                );
                return None;
            }
            return self
                .string(open, "`open` (the reason the payload is open)")
                .map(Payload::Open);
        }
        self.object(&keys, &what).map(Payload::Object)
    }

    // ---- types -----------------------------------------------------------------------------

    /// An object from `fields:` and `extends:` (extends is resolved later).
    fn object(&mut self, keys: &Keys<'_>, what: &str) -> Option<Object> {
        let extends = match keys.get("extends") {
            None => Vec::new(),
            Some(node) => self.extends(node)?,
        };
        let fields = match keys.get("fields") {
            Some(node) if node.value == Value::Null || node.value == Value::Mapping(Vec::new()) => {
                Vec::new()
            }
            Some(node) => self.fields(node)?,
            // an object made only of its base shapes
            None if !extends.is_empty() => Vec::new(),
            None => {
                self.error(
                    keys.position,
                    format!("missing required key `fields` in {what}"),
                );
                return None;
            }
        };
        Some(Object { extends, fields })
    }

    fn extends(&mut self, node: &Node) -> Option<Vec<String>> {
        let names: Vec<&Node> = match &node.value {
            Value::Scalar(_) => vec![node],
            Value::Sequence(items) => items.iter().collect(),
            other => {
                self.error(
                    node.position,
                    format!("`extends` must name shapes, found {}", other.kind()),
                );
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for name_node in names {
            match self.string(name_node, "a shape name in `extends`") {
                Some(name) if self.shape_reference(&name, name_node.position) => out.push(name),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Checks a reference to a shape, recording it as used.
    fn shape_reference(&mut self, name: &str, position: Position) -> bool {
        if self.shape_names.contains(name) {
            self.used_shapes.insert(name.to_owned());
            return true;
        }
        let help = did_you_mean(name, self.shape_names.iter().map(String::as_str))
            .or(Some("define it under `shapes:`".into()));
        self.error_with_help(position, format!("shape `{name}` is not defined"), help);
        false
    }

    fn fields(&mut self, node: &Node) -> Option<Vec<Field>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "`fields` must map field names to types, found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        let mut fields = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let Some(wire_name) = self.string(key, "a field name") else {
                ok = false;
                continue;
            };
            if fields.iter().any(|f: &Field| f.wire_name == wire_name) {
                self.error(
                    key.position,
                    format!("field `{wire_name}` is defined twice"),
                );
                ok = false;
                continue;
            }
            if !naming::is_valid_wire_field_name(&wire_name) {
                self.error_with_help(
                    key.position,
                    format!("field name `{wire_name}` cannot become a Rust field"),
                    Some("field names use ASCII letters, digits and `_`, and do not start with a digit".into()),
                );
                ok = false;
                continue;
            }
            match self.field(&wire_name, key.position, value) {
                Some(field) => fields.push(field),
                None => ok = false,
            }
        }
        ok.then_some(fields)
    }

    fn field(&mut self, wire_name: &str, position: Position, node: &Node) -> Option<Field> {
        let what = format!("field `{wire_name}`");
        let mut field = Field {
            wire_name: wire_name.to_owned(),
            ty: Type::Json,
            optional: false,
            nullable: false,
            doc: None,
            host_sends: None,
            position,
        };
        if let Value::Mapping(_) = node.value {
            let known: Vec<&str> = TYPE_KEYS.iter().chain(FIELD_ONLY_KEYS).copied().collect();
            let keys = self.keys(node, &known, &what)?;
            let optional = keys.get("optional").map(|n| self.boolean(n, "`optional`"));
            let nullable = keys.get("nullable").map(|n| self.boolean(n, "`nullable`"));
            let doc = keys.get("doc").map(|n| self.string(n, "`doc`"));
            field.ty = self.type_mapping(node, &keys, &what)?;
            field.optional = optional.unwrap_or(Some(false))?;
            field.nullable = nullable.unwrap_or(Some(false))?;
            field.doc = doc.unwrap_or(None);
            if let Some(node) = keys.get("host_sends") {
                field.host_sends = self.host_sends(node, &field.ty, &what);
            }
        } else {
            field.ty = self.type_expr(node, &what)?;
        }
        Some(field)
    }

    /// A type written as a word (`string`, `ChatMessage`) or as a mapping.
    fn type_expr(&mut self, node: &Node, what: &str) -> Option<Type> {
        match &node.value {
            Value::Scalar(word) => self.type_word(word, node.position),
            Value::Mapping(_) => {
                let keys = self.keys(node, TYPE_KEYS, what)?;
                self.type_mapping(node, &keys, what)
            }
            other => {
                self.error(
                    node.position,
                    format!(
                        "the type of {what} must be a type name or a mapping, found {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    fn type_word(&mut self, word: &str, position: Position) -> Option<Type> {
        match word {
            "string" => Some(Type::String),
            "number" => Some(Type::Number),
            "boolean" => Some(Type::Boolean),
            "json" => Some(Type::Json),
            _ if word.starts_with(|c: char| c.is_ascii_uppercase()) => self
                .shape_reference(word, position)
                .then(|| Type::Named(word.to_owned())),
            _ => {
                let candidates = SCALAR_TYPES
                    .iter()
                    .copied()
                    .chain(self.shape_names.iter().map(String::as_str));
                let help = did_you_mean(word, candidates).or(Some(
                    "a type is `string`, `number`, `boolean`, `json`, a shape name, or a mapping"
                        .into(),
                ));
                self.error_with_help(position, format!("unknown type `{word}`"), help);
                None
            }
        }
    }

    /// A type written as a mapping whose keys were already checked.
    fn type_mapping(&mut self, node: &Node, keys: &Keys<'_>, what: &str) -> Option<Type> {
        let forms: Vec<&str> = ["enum", "literal", "one_of", "fields", "items", "values"]
            .into_iter()
            .filter(|k| keys.has(k))
            .collect();
        if forms.len() > 1 {
            self.error(
                keys.key_position(forms[1]),
                format!(
                    "{what} combines `{}` and `{}`; a type has one form",
                    forms[0], forms[1]
                ),
            );
            return None;
        }
        let declared = match keys.get("type") {
            None => None,
            Some(n) => {
                let word = self.string(n, "`type`")?;
                Some((word, n.position))
            }
        };
        let form = forms.first().copied();
        let expected_type_word = match form {
            Some("fields") => Some("object"),
            Some("items") => Some("array"),
            Some("values") => Some("map"),
            _ => None,
        };
        if let (Some((word, position)), Some(form)) = (&declared, form) {
            if expected_type_word != Some(word.as_str()) {
                self.error(
                    *position,
                    format!("{what} has `type: {word}` together with `{form}`"),
                );
                return None;
            }
        }
        if form != Some("fields") && keys.has("extends") {
            self.error(
                keys.key_position("extends"),
                format!("`extends` in {what} needs `fields`"),
            );
            return None;
        }
        match form {
            Some("enum") => self.enum_values(keys.get("enum")?, what).map(Type::Enum),
            Some("literal") => {
                let node = keys.get("literal")?;
                let value = self.string(node, "`literal`")?;
                // the literal's type is an enum of one variant, named from the value (as an
                // enum value's is, with the same rule)
                if naming::variant_name(&value).is_empty() {
                    self.error(
                        node.position,
                        format!(
                            "literal `{value}` has no letters or digits to name a Rust variant"
                        ),
                    );
                    return None;
                }
                Some(Type::Literal(value))
            }
            Some("one_of") => self.union(keys.get("one_of")?, what),
            Some("fields") => self.object(keys, what).map(Type::Object),
            Some("items") => self
                .type_expr(keys.get("items")?, &format!("the items of {what}"))
                .map(|t| Type::Array(Box::new(t))),
            Some("values") => self
                .type_expr(keys.get("values")?, &format!("the values of {what}"))
                .map(|t| Type::Map(Box::new(t))),
            _ => match declared {
                Some((word, position)) => match word.as_str() {
                    "object" => {
                        self.error(position, format!("{what} is an object but has no `fields`"));
                        None
                    }
                    "array" => {
                        self.error(position, format!("{what} is an array but has no `items`"));
                        None
                    }
                    "map" => {
                        self.error(position, format!("{what} is a map but has no `values`"));
                        None
                    }
                    _ => {
                        if !TYPE_WORDS.contains(&word.as_str())
                            && !word.starts_with(|c: char| c.is_ascii_uppercase())
                        {
                            let help = did_you_mean(
                                &word,
                                TYPE_WORDS
                                    .iter()
                                    .copied()
                                    .chain(self.shape_names.iter().map(String::as_str)),
                            );
                            self.error_with_help(position, format!("unknown type `{word}`"), help);
                            return None;
                        }
                        self.type_word(&word, position)
                    }
                },
                None => {
                    self.error_with_help(
                        node.position,
                        format!("{what} does not say its type"),
                        Some("add `type:`, `enum:`, `literal:`, `one_of:`, `fields:`, `items:` or `values:`".into()),
                    );
                    None
                }
            },
        }
    }

    /// `host_sends:` of an enum field: some of its values, each at most once.
    fn host_sends(&mut self, node: &Node, ty: &Type, what: &str) -> Option<Vec<String>> {
        let Type::Enum(values) = ty else {
            self.error(
                node.position,
                format!("`host_sends` of {what} narrows an enum, and the field is not an `enum`"),
            );
            return None;
        };
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`host_sends` of {what} must be a list of the enum's values"),
            );
            return None;
        };
        let mut sends = Vec::new();
        for item in items {
            let value = self.string(item, "a `host_sends` value")?;
            if !values.contains(&value) {
                let help = did_you_mean(&value, values.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the enum's values are {}", values.join(", ")));
                self.error(
                    item.position,
                    format!("`host_sends` of {what} lists `{value}`, which is not a value of its enum; {help}"),
                );
                return None;
            }
            if sends.contains(&value) {
                self.error(
                    item.position,
                    format!("`host_sends` of {what} lists `{value}` twice"),
                );
                return None;
            }
            sends.push(value);
        }
        if sends.is_empty() {
            self.error(node.position, format!("`host_sends` of {what} is empty"));
            return None;
        }
        Some(sends)
    }

    fn enum_values(&mut self, node: &Node, what: &str) -> Option<Vec<String>> {
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`enum` of {what} must be a list of strings"),
            );
            return None;
        };
        if items.is_empty() {
            self.error(node.position, format!("`enum` of {what} is empty"));
            return None;
        }
        let mut values: Vec<String> = Vec::new();
        let mut variants: HashMap<String, String> = HashMap::new();
        let mut ok = true;
        for item in items {
            let Some(value) = self.string(item, "an enum value") else {
                ok = false;
                continue;
            };
            let variant = naming::variant_name(&value);
            if let Some(previous) = variants.get(&variant) {
                let message = if *previous == value {
                    format!("enum value `{value}` is listed twice")
                } else {
                    format!("enum values `{previous}` and `{value}` would both become the Rust variant `{variant}`")
                };
                self.error(item.position, message);
                ok = false;
                continue;
            }
            if variant.is_empty() {
                self.error(
                    item.position,
                    format!("enum value `{value}` has no letters or digits to name a Rust variant"),
                );
                ok = false;
                continue;
            }
            variants.insert(variant, value.clone());
            values.push(value);
        }
        ok.then_some(values)
    }

    fn union(&mut self, node: &Node, what: &str) -> Option<Type> {
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`one_of` of {what} must be a list of types"),
            );
            return None;
        };
        if items.len() < 2 {
            self.error(
                node.position,
                format!("`one_of` of {what} needs at least two types"),
            );
            return None;
        }
        let mut variants = Vec::new();
        let mut names = BTreeSet::new();
        let mut ok = true;
        for item in items {
            match self.type_expr(item, &format!("an alternative of {what}")) {
                Some(ty) => {
                    let name = naming::union_variant_name(&ty);
                    if !names.insert(name.clone()) {
                        self.error(
                            item.position,
                            format!("two alternatives of {what} would both become the Rust variant `{name}`"),
                        );
                        ok = false;
                    }
                    variants.push(ty);
                }
                None => ok = false,
            }
        }
        ok.then_some(Type::Union(variants))
    }

    // ---- whole-catalog rules ---------------------------------------------------------------

    /// Copies base shapes' fields into every object that `extends` them.
    fn resolve_extends(&mut self, catalog: &mut Catalog) {
        // Shapes first, in dependency order, so a shape's bases are complete when it is resolved.
        let mut resolved: BTreeMap<String, Object> = BTreeMap::new();
        let names: Vec<String> = catalog.shapes.keys().cloned().collect();
        for name in &names {
            let mut visiting = Vec::new();
            self.resolve_shape(name, catalog, &mut resolved, &mut visiting);
        }
        for (name, object) in &resolved {
            if let Some(shape) = catalog.shapes.get_mut(name) {
                if let Type::Object(target) = &mut shape.ty {
                    *target = object.clone();
                }
            }
        }
        // Inline objects inside shapes, then events.
        for shape in catalog.shapes.values_mut() {
            let mut ty = std::mem::replace(&mut shape.ty, Type::Json);
            self.resolve_nested(&mut ty, &resolved, true);
            shape.ty = ty;
        }
        for event in &mut catalog.events {
            self.event = Some(event.name.clone());
            for version in &mut event.versions {
                if let Payload::Object(object) = &mut version.payload {
                    self.resolve_object(object, &resolved);
                    for field in &mut object.fields {
                        self.resolve_nested(&mut field.ty, &resolved, false);
                    }
                }
            }
        }
        self.event = None;
    }

    fn resolve_shape(
        &mut self,
        name: &str,
        catalog: &Catalog,
        resolved: &mut BTreeMap<String, Object>,
        visiting: &mut Vec<String>,
    ) {
        if resolved.contains_key(name) {
            return;
        }
        let Some(shape) = catalog.shapes.get(name) else {
            return;
        };
        let Type::Object(object) = &shape.ty else {
            return;
        };
        if visiting.iter().any(|v| v == name) {
            self.error(
                shape.position,
                format!(
                    "shape `{name}` extends itself through {}",
                    visiting.join(" -> ")
                ),
            );
            return;
        }
        visiting.push(name.to_owned());
        for base in &object.extends {
            self.resolve_shape(base, catalog, resolved, visiting);
        }
        visiting.pop();
        let mut object = object.clone();
        self.resolve_object(&mut object, resolved);
        resolved.insert(name.to_owned(), object);
    }

    /// Prepends the fields of `object.extends` (each already resolved in `resolved`).
    fn resolve_object(&mut self, object: &mut Object, resolved: &BTreeMap<String, Object>) {
        if object.extends.is_empty() {
            return;
        }
        let mut fields: Vec<Field> = Vec::new();
        for base in &object.extends {
            match resolved.get(base) {
                Some(base_object) => {
                    for field in &base_object.fields {
                        if !fields.iter().any(|f| f.wire_name == field.wire_name) {
                            fields.push(field.clone());
                        }
                    }
                }
                None => {
                    let position = object
                        .fields
                        .first()
                        .map(|f| f.position)
                        .unwrap_or_default();
                    self.error(
                        position,
                        format!("`extends` names `{base}`, which is not an object shape"),
                    );
                }
            }
        }
        for field in std::mem::take(&mut object.fields) {
            if fields.iter().any(|f| f.wire_name == field.wire_name) {
                self.error_with_help(
                    field.position,
                    format!(
                        "field `{}` is already defined by a shape this object extends",
                        field.wire_name
                    ),
                    Some("remove it here, or stop extending the shape".into()),
                );
                continue;
            }
            fields.push(field);
        }
        object.fields = fields;
    }

    fn resolve_nested(
        &mut self,
        ty: &mut Type,
        resolved: &BTreeMap<String, Object>,
        is_shape_root: bool,
    ) {
        match ty {
            Type::Object(object) => {
                if !is_shape_root {
                    self.resolve_object(object, resolved);
                }
                for field in &mut object.fields {
                    self.resolve_nested(&mut field.ty, resolved, false);
                }
            }
            Type::Array(inner) | Type::Map(inner) => self.resolve_nested(inner, resolved, false),
            Type::Union(variants) => {
                for variant in variants {
                    self.resolve_nested(variant, resolved, false);
                }
            }
            _ => {}
        }
    }

    fn check_catalog(&mut self, catalog: &Catalog) {
        // Repeated event names. Repeats are reported once, as repeats, not again as colliding
        // Rust names.
        let mut first_seen: HashMap<&str, Position> = HashMap::new();
        let mut repeats: BTreeSet<Position> = BTreeSet::new();
        for (name, position) in &self.event_names {
            match first_seen.get(name.as_str()) {
                Some(first) => {
                    repeats.insert(*position);
                    self.diagnostics.error(
                        *position,
                        Some(name),
                        format!(
                            "event `{name}` is defined twice (first at line {})",
                            first.line
                        ),
                    );
                }
                None => {
                    first_seen.insert(name, *position);
                }
            }
        }
        for (event, target, position) in &self.replacements {
            if target == event {
                self.diagnostics.error(
                    *position,
                    Some(event),
                    "`replaced_by` names the event itself",
                );
            } else if !first_seen.contains_key(target.as_str()) {
                let help = did_you_mean(target, first_seen.keys().copied());
                self.diagnostics.error_with_help(
                    *position,
                    Some(event),
                    format!(
                        "`replaced_by` names `{target}`, which is not an event in this catalog"
                    ),
                    help,
                );
            }
        }
        // Shapes that refer to themselves by value would be infinitely large Rust types.
        for shape in catalog.shapes.values() {
            if let Some(path) = self_reference(&shape.name, &shape.ty, catalog, &mut Vec::new()) {
                self.diagnostics.error(
                    shape.position,
                    None,
                    format!(
                        "shape `{}` contains itself ({}); recursive shapes are not supported",
                        shape.name,
                        path.join(" -> ")
                    ),
                );
            }
        }
        // Rust names: every generated type, and the fields of every struct.
        let mut seen: HashMap<String, (Position, Option<String>)> = HashMap::new();
        for def in layout::type_defs(catalog) {
            if let layout::Owner::Event(event, _) | layout::Owner::Nested { event: Some(event) } =
                def.owner
            {
                if repeats.contains(&event.position) {
                    continue;
                }
            }
            let event = def.owner.event_name().map(str::to_owned);
            if RESERVED_TYPE_NAMES.contains(&def.name.as_str()) {
                self.diagnostics.error(
                    def.position,
                    event.as_deref(),
                    format!(
                        "the Rust type name `{}` is reserved for the generated dispatch",
                        def.name
                    ),
                );
            }
            match seen.get(&def.name) {
                Some((first, first_event)) => {
                    let whose = first_event
                        .as_ref()
                        .map(|e| format!(" (event `{e}`)"))
                        .unwrap_or_default();
                    self.diagnostics.error(
                        def.position,
                        event.as_deref(),
                        format!(
                            "this would become the Rust type `{}`, which line {}{whose} already becomes",
                            def.name, first.line
                        ),
                    );
                }
                None => {
                    seen.insert(def.name.clone(), (def.position, event.clone()));
                }
            }
            if let layout::DefKind::Struct(object) = def.kind {
                let mut fields: HashMap<String, &str> = HashMap::new();
                for field in &object.fields {
                    let rust = naming::field_name(&field.wire_name);
                    if let Some(other) = fields.get(&rust) {
                        self.diagnostics.error(
                            field.position,
                            event.as_deref(),
                            format!("fields `{other}` and `{}` would both become the Rust field `{rust}`", field.wire_name),
                        );
                    } else {
                        fields.insert(rust, &field.wire_name);
                    }
                }
            }
        }
        for name in &self.shape_names {
            if !self.used_shapes.contains(name) {
                if let Some(shape) = catalog.shapes.get(name) {
                    self.diagnostics.warning(
                        shape.position,
                        None,
                        format!("shape `{name}` is never used"),
                    );
                }
            }
        }
    }
}

/// The path by which `ty` contains the shape `target` by value (not through an array or map).
fn self_reference(
    target: &str,
    ty: &Type,
    catalog: &Catalog,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    match ty {
        Type::Named(name) => {
            if name == target {
                let mut found = path.clone();
                found.push(name.clone());
                return Some(found);
            }
            if path.contains(name) {
                return None;
            }
            path.push(name.clone());
            let found = catalog
                .shapes
                .get(name)
                .and_then(|shape| self_reference(target, &shape.ty, catalog, path));
            path.pop();
            found
        }
        Type::Object(object) => object
            .fields
            .iter()
            .find_map(|field| self_reference(target, &field.ty, catalog, path)),
        Type::Union(variants) => variants
            .iter()
            .find_map(|variant| self_reference(target, variant, catalog, path)),
        _ => None,
    }
}
