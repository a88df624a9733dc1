//! The catalog as typed data: what `load` produces once every rule has passed.
//!
//! `extends` is already resolved here: an object's `fields` holds its base shapes' fields first,
//! then its own, so code generation, documentation and schema output never chase references for
//! fields.

use std::collections::BTreeMap;
use std::fmt;

use crate::date::Date;

use crate::yaml::Position;

/// A whole catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// Named shapes, by name (a `BTreeMap` so generated code comes out in a stable order).
    pub shapes: BTreeMap<String, Shape>,
    /// Events in catalog order, which is the order of the documentation tables.
    pub events: Vec<Event>,
}

impl Catalog {
    /// Looks an event up by its wire name.
    pub fn event(&self, name: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.name == name)
    }

    /// The events of one direction, in catalog order.
    pub fn events_of(&self, direction: Direction) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.direction == direction)
    }
}

/// Who sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// The 8x8 host sends it to the partner app (the documentation's "Received" table).
    Received,
    /// The partner app sends it with `system.sendEvent` (the "Send" table).
    Send,
}

impl Direction {
    /// The catalog spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Received => "received",
            Direction::Send => "send",
        }
    }
}

/// The documentation table's status column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `active`
    Active,
    /// `deprecated`
    Deprecated,
    /// `sunset`
    Sunset,
}

impl Status {
    /// Every status, in catalog spelling.
    pub const ALL: [&'static str; 3] = ["active", "deprecated", "sunset"];

    /// The catalog spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Sunset => "sunset",
        }
    }
}

/// One row of the documentation tables, with its payload schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The wire name, e.g. `aw-interaction-hold-v1`.
    pub name: String,
    /// Who sends it.
    pub direction: Direction,
    /// The status column.
    pub status: Status,
    /// First day the host sends (or accepts) it.
    pub active: Date,
    /// Day it was deprecated, if it was.
    pub deprecation: Option<Date>,
    /// Last day it is supported, if one is set.
    pub sunset: Option<Date>,
    /// The event that replaces this one.
    pub replaced_by: Option<String>,
    /// The documentation link of the event-name cell, as the table has it.
    pub doc_link: Option<String>,
    /// Free text about the event, shown in its rustdoc.
    pub doc: Option<String>,
    /// Payload schemas, oldest version first.
    pub versions: Vec<Version>,
    /// Where the event's entry starts in the catalog.
    pub position: Position,
}

impl Event {
    /// The newest schema version.
    pub fn newest(&self) -> &Version {
        self.versions
            .last()
            .expect("load refuses events without versions")
    }
}

/// One schema version of an event's payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The version, as parsed.
    pub version: semver::Version,
    /// The payload schema.
    pub payload: Payload,
    /// Where the version's entry starts.
    pub position: Position,
}

/// An event payload's schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// The payload is documented: an object with these fields.
    Object(Object),
    /// The event is documented but its payload is not; it is kept as open JSON. The text says why.
    Open(String),
}

/// A named, shareable type, written once under `shapes:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The Rust and catalog name, UpperCamelCase.
    pub name: String,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// The type.
    pub ty: Type,
    /// Where the shape is defined.
    pub position: Position,
}

/// A JSON object type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// The named object shapes whose fields come first (`extends:`), for documentation.
    pub extends: Vec<String>,
    /// Fields: base shapes' first (already copied in), then this object's own, in catalog order.
    pub fields: Vec<Field>,
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key on the wire, e.g. `interactionId`.
    pub wire_name: String,
    /// The value's type.
    pub ty: Type,
    /// The key may be absent (zod `.optional()`): absent is not the same as `null`.
    pub optional: bool,
    /// The value may be `null` (zod `.nullable()` or a union with null).
    pub nullable: bool,
    /// Rustdoc text.
    pub doc: Option<String>,
    /// For an enum field, the values the host is known to send, when it accepts more on read
    /// (`host_sends:`): samples use only these.
    pub host_sends: Option<Vec<String>>,
    /// Where the field is defined.
    pub position: Position,
}

/// A value's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A JSON string.
    String,
    /// A JSON number, kept exactly as sent (integer or float).
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A reference to a named shape.
    Named(String),
    /// An inline object.
    Object(Object),
    /// A JSON array.
    Array(Box<Type>),
    /// A JSON object used as a map from string keys to values of one type.
    Map(Box<Type>),
    /// One of a fixed set of strings.
    Enum(Vec<String>),
    /// Exactly this string (checked on read and written back).
    Literal(String),
    /// Any one of these types, tried in order.
    Union(Vec<Type>),
}

impl Type {
    /// Whether the type is written out as a Rust type of its own (struct or enum): the one place
    /// this is decided (the layout defines exactly these, and names the rest by their Rust type).
    pub fn is_generated(&self) -> bool {
        matches!(
            self,
            Type::Object(_) | Type::Enum(_) | Type::Literal(_) | Type::Union(_)
        )
    }
}

impl fmt::Display for Type {
    /// A short human description, as used in the documentation's field tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Boolean => f.write_str("boolean"),
            Type::Json => f.write_str("any JSON"),
            Type::Named(name) => f.write_str(name),
            Type::Object(_) => f.write_str("object"),
            Type::Array(item) => write!(f, "array of {item}"),
            Type::Map(value) => write!(f, "map of string to {value}"),
            Type::Enum(values) => {
                let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
            Type::Literal(value) => write!(f, "\"{value}\""),
            Type::Union(variants) => {
                let parts: Vec<String> = variants.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join(" or "))
            }
        }
    }
}
