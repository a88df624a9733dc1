//! The flat list of Rust types a catalog turns into, with their names.
//!
//! Code generation emits exactly these types, and the validator checks these names for
//! collisions, so "two names that would become the same Rust identifier" is decided by the same
//! walk that writes the code.

use crate::model::{Catalog, Event, Object, Payload, Shape, Type, Version};
use crate::naming;
use crate::yaml::Position;

/// One Rust type to generate.
#[derive(Debug, Clone)]
pub struct TypeDef<'a> {
    /// The Rust name.
    pub name: String,
    /// What kind of Rust type it is.
    pub kind: DefKind<'a>,
    /// Where its definition starts in the catalog.
    pub position: Position,
    /// Where it comes from.
    pub owner: Owner<'a>,
}

/// The kind of a generated type.
#[derive(Debug, Clone, Copy)]
pub enum DefKind<'a> {
    /// A struct with named fields.
    Struct(&'a Object),
    /// A string enum.
    Enum(&'a [String]),
    /// A one-variant string enum for a literal value.
    Literal(&'a str),
    /// An untagged enum of alternatives.
    Union(&'a [Type]),
    /// A shape that is not a struct or enum of its own (`type X = Vec<Y>`).
    Alias(&'a Type),
    /// An event payload kept as open JSON; the text says why.
    Open(&'a str),
}

/// Where a generated type comes from.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// The payload of one schema version of an event.
    Event(&'a Event, &'a Version),
    /// A named shape.
    Shape(&'a Shape),
    /// A type nested inside an event's or shape's payload.
    Nested {
        /// The event it belongs to, if any.
        event: Option<&'a Event>,
    },
}

impl Owner<'_> {
    /// The event this type belongs to, for diagnostics.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Owner::Event(event, _) | Owner::Nested { event: Some(event) } => Some(&event.name),
            _ => None,
        }
    }
}

/// Every type the catalog generates: shapes in name order, then events in catalog order, each
/// followed by its nested types.
pub fn type_defs(catalog: &Catalog) -> Vec<TypeDef<'_>> {
    let mut defs = Vec::new();
    for shape in catalog.shapes.values() {
        let kind = def_kind(&shape.ty).unwrap_or(DefKind::Alias(&shape.ty));
        defs.push(TypeDef {
            name: shape.name.clone(),
            kind,
            position: shape.position,
            owner: Owner::Shape(shape),
        });
        nested_defs(
            &shape.name,
            &shape.ty,
            shape.position,
            None,
            &mut defs,
            true,
        );
    }
    for event in &catalog.events {
        for version in &event.versions {
            let name = naming::version_type_name(event, &version.version);
            match &version.payload {
                Payload::Open(why) => defs.push(TypeDef {
                    name,
                    kind: DefKind::Open(why),
                    position: version.position,
                    owner: Owner::Event(event, version),
                }),
                Payload::Object(object) => {
                    defs.push(TypeDef {
                        name: name.clone(),
                        kind: DefKind::Struct(object),
                        position: version.position,
                        owner: Owner::Event(event, version),
                    });
                    object_nested_defs(&name, object, Some(event), &mut defs);
                }
            }
        }
    }
    defs
}

/// What a generated type is defined from: `Some` exactly for the types [`Type::is_generated`]
/// says are written out.
fn def_kind(ty: &Type) -> Option<DefKind<'_>> {
    if !ty.is_generated() {
        return None;
    }
    match ty {
        Type::Object(object) => Some(DefKind::Struct(object)),
        Type::Enum(values) => Some(DefKind::Enum(values)),
        Type::Literal(value) => Some(DefKind::Literal(value)),
        Type::Union(variants) => Some(DefKind::Union(variants)),
        _ => None,
    }
}

fn object_nested_defs<'a>(
    parent: &str,
    object: &'a Object,
    event: Option<&'a Event>,
    defs: &mut Vec<TypeDef<'a>>,
) {
    for field in &object.fields {
        let name = naming::nested_type_name(parent, &field.wire_name);
        nested_defs(&name, &field.ty, field.position, event, defs, false);
    }
}

/// Defines `ty` under `name` if it is generated (unless `already_defined`), then its inner types.
fn nested_defs<'a>(
    name: &str,
    ty: &'a Type,
    position: Position,
    event: Option<&'a Event>,
    defs: &mut Vec<TypeDef<'a>>,
    already_defined: bool,
) {
    if !already_defined {
        if let Some(kind) = def_kind(ty) {
            defs.push(TypeDef {
                name: name.to_owned(),
                kind,
                position,
                owner: Owner::Nested { event },
            });
        }
    }
    match ty {
        Type::Object(object) => object_nested_defs(name, object, event, defs),
        Type::Union(variants) => {
            for variant in variants {
                let variant_type = format!("{name}{}", naming::union_variant_name(variant));
                nested_defs(&variant_type, variant, position, event, defs, false);
            }
        }
        Type::Array(item) => {
            nested_defs(&format!("{name}Item"), item, position, event, defs, false)
        }
        Type::Map(value) => {
            nested_defs(&format!("{name}Value"), value, position, event, defs, false)
        }
        _ => {}
    }
}

/// The Rust name of the type a value of `ty` has, when it sits at `name` (see [`type_defs`]).
/// Returned as a small tree so the code generator can build paths from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// `::std::string::String`
    String,
    /// the runtime's exact JSON number
    Number,
    /// `bool`
    Bool,
    /// any JSON value
    Json,
    /// a generated type in the same module
    Local(String),
    /// `Vec<T>`
    Vec(Box<RustType>),
    /// `BTreeMap<String, T>`
    Map(Box<RustType>),
}

/// The Rust type of a value of `ty` placed at `name`.
pub fn rust_type(name: &str, ty: &Type) -> RustType {
    match ty {
        Type::String => RustType::String,
        Type::Number => RustType::Number,
        Type::Boolean => RustType::Bool,
        Type::Json => RustType::Json,
        Type::Named(shape) => RustType::Local(shape.clone()),
        Type::Array(item) => RustType::Vec(Box::new(rust_type(&format!("{name}Item"), item))),
        Type::Map(value) => RustType::Map(Box::new(rust_type(&format!("{name}Value"), value))),
        // the rest are written out as types of their own, under `name` (`Type::is_generated`)
        _ => RustType::Local(name.to_owned()),
    }
}

/// Payloads up to this many bytes sit inline in the dispatch enums (`Received`, `Sent`); larger
/// ones are boxed. Inline small payloads spare the common tiny events (hold, mute, resume: one
/// string) an allocation; boxing large ones keeps the enum, and every move of a decoded message,
/// small. The same rule decides both enums, so a payload is boxed or not wherever it appears.
pub const INLINE_PAYLOAD_BYTES: usize = 32;

/// Whether the dispatch enums box this schema version's payload: its
/// [estimated size](estimated_payload_size) is over [`INLINE_PAYLOAD_BYTES`], or unknown.
pub fn boxed_in_dispatch(catalog: &Catalog, version: &Version) -> bool {
    !matches!(estimated_payload_size(catalog, version), Some(size) if size <= INLINE_PAYLOAD_BYTES)
}

/// An upper bound on the size in bytes of a payload's Rust type on a 64-bit target, from the
/// schema alone (the macro cannot ask rustc); `None` when it cannot be bounded. It only decides
/// boxing: erring large costs an allocation, erring small a larger enum, and neither changes
/// what decodes.
pub fn estimated_payload_size(catalog: &Catalog, version: &Version) -> Option<usize> {
    let size = match &version.payload {
        Payload::Open(_) => LARGE,
        Payload::Object(object) => object_size(catalog, object, 0),
    };
    (size < LARGE).then_some(size)
}

/// Deeper than this, a shape is assumed large (and recursion through shapes ends).
const SIZE_DEPTH_LIMIT: usize = 16;
const LARGE: usize = usize::MAX / 4;

fn type_size(catalog: &Catalog, ty: &Type, depth: usize) -> usize {
    if depth > SIZE_DEPTH_LIMIT {
        return LARGE;
    }
    match ty {
        // pointer, capacity, length (a `BTreeMap`: root, height, length)
        Type::String | Type::Array(_) | Type::Map(_) => 24,
        // 16 bytes, or a `String`'s 24 under serde_json's `arbitrary_precision`
        Type::Number => 24,
        Type::Boolean | Type::Enum(_) => 1,
        // a one-variant enum with no data
        Type::Literal(_) => 0,
        // serde_json's `preserve_order` or `arbitrary_precision`, switched on by any crate in the
        // build, changes a `Value`'s size; the macro cannot know, so it is unbounded.
        Type::Json => LARGE,
        Type::Named(name) => match catalog.shapes.get(name) {
            Some(shape) => type_size(catalog, &shape.ty, depth + 1),
            None => LARGE,
        },
        Type::Object(object) => object_size(catalog, object, depth + 1),
        // an untagged enum: the largest alternative and a tag
        Type::Union(variants) => variants
            .iter()
            .map(|variant| type_size(catalog, variant, depth + 1))
            .max()
            .unwrap_or(0)
            .saturating_add(8),
    }
}

fn object_size(catalog: &Catalog, object: &Object, depth: usize) -> usize {
    let total = object.fields.iter().fold(0usize, |total, field| {
        let mut size = type_size(catalog, &field.ty, depth);
        // `Option` is free where the type has a spare bit pattern to mean `None` (strings,
        // vectors, maps, numbers, booleans, enums); elsewhere assume a tag word.
        let wrappers = usize::from(field.optional) + usize::from(field.nullable);
        for _ in 0..wrappers {
            size = match field.ty {
                Type::String
                | Type::Array(_)
                | Type::Map(_)
                | Type::Number
                | Type::Boolean
                | Type::Enum(_) => size,
                Type::Literal(_) => size + 1,
                _ => size.saturating_add(8),
            };
        }
        total.saturating_add(size)
    });
    // rustc reorders fields, so padding only rounds the total up to the alignment
    if total > 8 {
        total.div_ceil(8).saturating_mul(8)
    } else {
        total
    }
}
