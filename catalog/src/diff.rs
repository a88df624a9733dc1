//! What changed between two catalogs, and which changes break partners without a new major
//! schema version.
//!
//! Each schema version of the new catalog is compared with the same version of the old one, or,
//! for a version the old catalog lacks, with the old catalog's newest version of the same major:
//! a minor or patch release must read everything its predecessor's partners send and expect.
//! Breaking: a field removed, a field that became required, a type changed, an enum value
//! removed, a literal changed; and an event or version removed without a sunset date.

use std::fmt;

use crate::docs::format_date;
use crate::model::{Catalog, Event, Field, Object, Payload, Type, Version};

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The event it is about.
    pub event: String,
    /// The schema version it is about, when it is about one.
    pub version: Option<String>,
    /// The JSON path of the field, when it is about one.
    pub path: Option<String>,
    /// What changed.
    pub what: String,
    /// Whether it breaks existing partners.
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking { "BREAKING " } else { "" };
        write!(f, "{mark}{}", self.event)?;
        if let Some(version) = &self.version {
            write!(f, " {version}")?;
        }
        if let Some(path) = &self.path {
            write!(f, " `{path}`")?;
        }
        write!(f, ": {}", self.what)
    }
}

/// Every difference from `old` to `new`, in the new catalog's order, removals last.
pub fn diff(old: &Catalog, new: &Catalog) -> Vec<Change> {
    let mut changes = Vec::new();
    for event in &new.events {
        match old.event(&event.name) {
            None => changes.push(change(event, None, None, "event added".into(), false)),
            Some(before) => {
                lifecycle_changes(before, event, &mut changes);
                version_changes(old, before, new, event, &mut changes);
            }
        }
    }
    for before in &old.events {
        if new.event(&before.name).is_none() {
            let breaking = before.sunset.is_none();
            let what = if breaking {
                "event removed without a sunset date".to_owned()
            } else {
                "event removed after its sunset date".to_owned()
            };
            changes.push(change(before, None, None, what, breaking));
        }
    }
    changes
}

fn change(
    event: &Event,
    version: Option<&Version>,
    path: Option<String>,
    what: String,
    breaking: bool,
) -> Change {
    Change {
        event: event.name.clone(),
        version: version.map(|v| v.version.to_string()),
        path,
        what,
        breaking,
    }
}

fn lifecycle_changes(old: &Event, new: &Event, changes: &mut Vec<Change>) {
    let show =
        |date: Option<crate::date::Date>| date.map_or_else(|| "none".to_owned(), format_date);
    let mut note = |what: String| changes.push(change(new, None, None, what, false));
    if old.status != new.status {
        note(format!(
            "status {} → {}",
            old.status.as_str(),
            new.status.as_str()
        ));
    }
    if old.active != new.active {
        note(format!(
            "active date {} → {}",
            format_date(old.active),
            format_date(new.active)
        ));
    }
    if old.deprecation != new.deprecation {
        note(format!(
            "deprecation date {} → {}",
            show(old.deprecation),
            show(new.deprecation)
        ));
    }
    if old.sunset != new.sunset {
        note(format!(
            "sunset date {} → {}",
            show(old.sunset),
            show(new.sunset)
        ));
    }
    if old.replaced_by != new.replaced_by {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".into());
        note(format!(
            "replaced by {} → {}",
            show(&old.replaced_by),
            show(&new.replaced_by)
        ));
    }
}

fn version_changes(
    old_catalog: &Catalog,
    old: &Event,
    new_catalog: &Catalog,
    new: &Event,
    changes: &mut Vec<Change>,
) {
    for version in &new.versions {
        let same = old.versions.iter().find(|v| v.version == version.version);
        let baseline = same.or_else(|| {
            old.versions
                .iter()
                .filter(|v| v.version.major == version.version.major && v.version < version.version)
                .max_by(|a, b| a.version.cmp(&b.version))
        });
        if same.is_none() {
            changes.push(change(
                new,
                Some(version),
                None,
                "schema version added".into(),
                false,
            ));
        }
        let Some(baseline) = baseline else { continue };
        let context = Context {
            old: old_catalog,
            new: new_catalog,
            event: new,
            version,
        };
        match (&baseline.payload, &version.payload) {
            (Payload::Object(a), Payload::Object(b)) => context.objects(a, b, "", changes),
            (Payload::Open(_), Payload::Object(_)) => changes.push(change(
                new,
                Some(version),
                None,
                "payload now documented".into(),
                false,
            )),
            (Payload::Object(_), Payload::Open(_)) => changes.push(change(
                new,
                Some(version),
                None,
                "payload no longer documented (open JSON)".into(),
                true,
            )),
            (Payload::Open(_), Payload::Open(_)) => {}
        }
    }
    for version in &old.versions {
        if !new.versions.iter().any(|v| v.version == version.version) {
            let breaking = old.sunset.is_none();
            changes.push(change(
                new,
                Some(version),
                None,
                "schema version removed".into(),
                breaking,
            ));
        }
    }
}

struct Context<'a> {
    old: &'a Catalog,
    new: &'a Catalog,
    event: &'a Event,
    version: &'a Version,
}

impl Context<'_> {
    fn push(&self, changes: &mut Vec<Change>, path: &str, what: String, breaking: bool) {
        changes.push(change(
            self.event,
            Some(self.version),
            Some(path.to_owned()),
            what,
            breaking,
        ));
    }

    fn objects(&self, old: &Object, new: &Object, path: &str, changes: &mut Vec<Change>) {
        let at = |field: &Field| {
            if path.is_empty() {
                field.wire_name.clone()
            } else {
                format!("{path}.{}", field.wire_name)
            }
        };
        for before in &old.fields {
            match new.fields.iter().find(|f| f.wire_name == before.wire_name) {
                None => self.push(changes, &at(before), "field removed".into(), true),
                Some(after) => {
                    let here = at(after);
                    if before.optional && !after.optional {
                        self.push(changes, &here, "optional → required".into(), true);
                    }
                    if !before.optional && after.optional {
                        self.push(changes, &here, "required → optional".into(), false);
                    }
                    if before.nullable != after.nullable {
                        let what = if after.nullable {
                            "now nullable"
                        } else {
                            "no longer nullable"
                        };
                        self.push(changes, &here, what.into(), false);
                    }
                    self.types(&before.ty, &after.ty, &here, changes);
                }
            }
        }
        for after in &new.fields {
            if !old.fields.iter().any(|f| f.wire_name == after.wire_name) {
                let what = if after.optional {
                    "optional field added"
                } else {
                    "required field added"
                };
                self.push(changes, &at(after), what.into(), false);
            }
        }
    }

    fn resolve<'c>(catalog: &'c Catalog, ty: &'c Type) -> &'c Type {
        match ty {
            Type::Named(name) => catalog
                .shapes
                .get(name)
                .map_or(ty, |s| Self::resolve(catalog, &s.ty)),
            _ => ty,
        }
    }

    fn types(&self, old: &Type, new: &Type, path: &str, changes: &mut Vec<Change>) {
        let (old, new) = (Self::resolve(self.old, old), Self::resolve(self.new, new));
        match (old, new) {
            (Type::Object(a), Type::Object(b)) => self.objects(a, b, path, changes),
            (Type::Array(a), Type::Array(b)) => self.types(a, b, &format!("{path}[]"), changes),
            (Type::Map(a), Type::Map(b)) => self.types(a, b, &format!("{path}{{}}"), changes),
            (Type::Enum(a), Type::Enum(b)) => {
                for value in a.iter().filter(|v| !b.contains(v)) {
                    self.push(
                        changes,
                        path,
                        format!("enum value \"{value}\" removed"),
                        true,
                    );
                }
                for value in b.iter().filter(|v| !a.contains(v)) {
                    self.push(
                        changes,
                        path,
                        format!("enum value \"{value}\" added"),
                        false,
                    );
                }
            }
            (Type::Literal(a), Type::Literal(b)) if a != b => {
                self.push(changes, path, format!("literal \"{a}\" → \"{b}\""), true)
            }
            // a literal that became an enum containing it still reads what it read
            (Type::Literal(a), Type::Enum(b)) if b.contains(a) => self.push(
                changes,
                path,
                format!("literal \"{a}\" → one of {}", new),
                false,
            ),
            (Type::Union(a), Type::Union(b)) if a != b => {
                self.push(changes, path, format!("type {old} → {new}"), true)
            }
            (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                self.push(changes, path, format!("type {a} → {b}"), true)
            }
            _ => {}
        }
    }
}
