//! Reading the catalog: its shapes, events, lifecycle dates, versions and payloads.

use super::*;

impl Loader<'_> {
    pub(super) fn catalog(&mut self, root: &Node) -> Catalog {
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

    pub(super) fn shape_entries<'n>(
        &mut self,
        node: &'n Node,
    ) -> Vec<(String, Position, &'n Node)> {
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

    pub(super) fn shape(
        &mut self,
        name: &str,
        name_position: Position,
        node: &Node,
    ) -> Option<Shape> {
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

    pub(super) fn event(&mut self, node: &Node) -> Option<Event> {
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
    pub(super) fn optional_date(&mut self, keys: &Keys<'_>, key: &str) -> Option<Option<Date>> {
        match keys.get(key) {
            None => Some(None),
            Some(node) if node.value == Value::Null => Some(None),
            Some(node) => self.date(node, key).map(Some),
        }
    }

    pub(super) fn optional_string(&mut self, keys: &Keys<'_>, key: &str) -> Option<Option<String>> {
        match keys.get(key) {
            None => Some(None),
            Some(node) if node.value == Value::Null => Some(None),
            Some(node) => self.string(node, &format!("`{key}`")).map(Some),
        }
    }

    pub(super) fn check_dates(
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

    pub(super) fn versions(&mut self, node: &Node) -> Option<Vec<Version>> {
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

    pub(super) fn payload(&mut self, node: &Node, version: &str) -> Option<Payload> {
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
}
