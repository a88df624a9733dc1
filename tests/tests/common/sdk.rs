//! The SDK fact sheet (`fixtures/sdk-payloads.yaml`, a copy of `shared/sdk/payloads.yaml`) read
//! in its own field-tree notation, and payloads built from it: shared by the round-trip and
//! property tests, so that what the tests check comes from the SDK, not from catalog.yaml.

#![allow(dead_code)]

use serde_json::{json, Map, Value};

// ---- the SDK fact sheet's field-tree notation -------------------------------------------------

#[derive(Debug, Clone)]
pub enum SdkType {
    String,
    Number,
    Boolean,
    Literal(String),
    Enum(Vec<String>),
    Array(Box<SdkType>),
    Map(Box<SdkType>),
    Union(Vec<SdkType>),
    Object(Vec<SdkField>),
}

#[derive(Debug, Clone)]
pub struct SdkField {
    pub name: String,
    pub optional: bool,
    pub nullable: bool,
    pub ty: SdkType,
}

fn strip_comment(line: &str) -> &str {
    line.split(" #").next().unwrap().trim()
}

/// Parses field lines until a line that starts with `}`; returns the fields and that line.
fn parse_fields(lines: &[&str], at: &mut usize) -> (Vec<SdkField>, String) {
    let mut fields = Vec::new();
    while *at < lines.len() {
        let line = strip_comment(lines[*at]);
        *at += 1;
        if line.is_empty() {
            continue;
        }
        if line.starts_with('}') {
            return (fields, line.to_owned());
        }
        let (name, ty) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        let (name, optional) = match name.strip_suffix('?') {
            Some(name) => (name, true),
            None => (name, false),
        };
        let (ty, nullable) = parse_type(ty, lines, at);
        fields.push(SdkField {
            name: name.to_owned(),
            optional,
            nullable,
            ty,
        });
    }
    (fields, String::new())
}

/// Parses a type; returns it and whether it was followed by `| null`.
fn parse_type(text: &str, lines: &[&str], at: &mut usize) -> (SdkType, bool) {
    let (text, nullable) = match text.strip_suffix("| null") {
        Some(t) => (t.trim(), true),
        None => (text.trim(), false),
    };
    let ty = match text {
        "string" => SdkType::String,
        "number" => SdkType::Number,
        "boolean" => SdkType::Boolean,
        "object {" => {
            let (fields, closing) = parse_fields(lines, at);
            return (
                SdkType::Object(fields),
                nullable || closing.ends_with("| null"),
            );
        }
        _ => {
            if let Some(lit) = text.strip_prefix("literal ") {
                SdkType::Literal(lit.trim_matches('"').to_owned())
            } else if let Some(list) = text.strip_prefix("enum [") {
                SdkType::Enum(
                    list.trim_end_matches(']')
                        .split(", ")
                        .map(str::to_owned)
                        .collect(),
                )
            } else if let Some(rest) = text.strip_prefix("array of ") {
                let (item, item_nullable) = parse_type(rest, lines, at);
                return (SdkType::Array(Box::new(item)), nullable || item_nullable);
            } else if let Some(rest) = text.strip_prefix("map of string to ") {
                SdkType::Map(Box::new(parse_type(rest, lines, at).0))
            } else if let Some(list) = text.strip_prefix("union [") {
                let list = list.strip_suffix(']').unwrap();
                SdkType::Union(
                    list.split(", ")
                        .map(|t| parse_type(t, lines, at).0)
                        .collect(),
                )
            } else {
                panic!("unknown SDK type {text:?}")
            }
        }
    };
    (ty, nullable)
}

pub struct SdkEvent {
    pub name: String,
    pub direction: String,
    pub fields: Vec<SdkField>,
}

pub fn sdk_events() -> Vec<SdkEvent> {
    let text = include_str!("../../fixtures/sdk-payloads.yaml");
    let sheet: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    sheet["events"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(name, event)| {
            let source = event["fields"].as_str().unwrap();
            let lines: Vec<&str> = source.lines().collect();
            let (fields, _) = parse_fields(&lines, &mut 0);
            SdkEvent {
                name: name.as_str().unwrap().to_owned(),
                direction: event["dir"].as_str().unwrap().to_owned(),
                fields,
            }
        })
        .collect()
}

// ---- payloads built from the SDK schema --------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Fill {
    /// Every optional field present with a value; unions take their last alternative.
    Full,
    /// No optional field.
    Minimal,
    /// Every optional field present; nullable ones as `null`.
    Nulls,
}

pub fn sample(ty: &SdkType, fill: Fill, name: &str) -> Value {
    match ty {
        SdkType::String => json!(format!("{name}-text")),
        // an integer (epoch millis) in one fill and a float in another: both must survive exactly
        SdkType::Number if fill == Fill::Full => json!(1751445666638u64),
        SdkType::Number => json!(42.5),
        SdkType::Boolean => json!(fill == Fill::Full),
        SdkType::Literal(value) => json!(value),
        SdkType::Enum(values) if fill == Fill::Full => json!(values.last().unwrap()),
        SdkType::Enum(values) => json!(values[0]),
        SdkType::Array(item) => {
            let count = if fill == Fill::Full { 2 } else { 1 };
            Value::Array((0..count).map(|_| sample(item, fill, name)).collect())
        }
        SdkType::Map(value) => {
            json!({ "k1": sample(value, fill, name), "k2": sample(value, fill, name) })
        }
        SdkType::Union(variants) => {
            let pick = if fill == Fill::Full {
                variants.last()
            } else {
                variants.first()
            };
            sample(pick.unwrap(), fill, name)
        }
        SdkType::Object(fields) => Value::Object(sample_object(fields, fill)),
    }
}

pub fn sample_object(fields: &[SdkField], fill: Fill) -> Map<String, Value> {
    let mut object = Map::new();
    for field in fields {
        let value = match (field.optional, fill) {
            (true, Fill::Minimal) => continue,
            (_, Fill::Nulls) if field.nullable => Value::Null,
            _ => sample(&field.ty, fill, &field.name),
        };
        object.insert(field.name.clone(), value);
    }
    object
}

/// Adds an unknown key to every schema object (not to maps, whose keys are all data), at every
/// depth.
pub fn with_extra_keys(fields: &[SdkField], value: &Value) -> Value {
    let mut out = value.as_object().unwrap().clone();
    for field in fields {
        if let Some(inner) = out.get_mut(&field.name) {
            *inner = extra_keys_in(&field.ty, inner);
        }
    }
    out.insert("notInTheSchema".into(), json!({"nested": [1, 2]}));
    Value::Object(out)
}

fn extra_keys_in(ty: &SdkType, value: &Value) -> Value {
    match (ty, value) {
        (SdkType::Object(fields), Value::Object(_)) => with_extra_keys(fields, value),
        (SdkType::Array(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| extra_keys_in(item, v)).collect())
        }
        _ => value.clone(),
    }
}

/// Decisions for [`sample_random`], drawn from bytes that proptest generates (and shrinks).
pub struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, at: 0 }
    }

    fn next(&mut self, below: usize) -> usize {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        byte as usize % below.max(1)
    }
}

const STRINGS: &[&str] = &[
    "",
    "é ünïcode",
    "quote\" and \\ backslash",
    "line\nbreak",
    "\u{1F600}",
    "1.0.0",
    "null",
    "<b>x</b>",
];
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1751445666638",
    "0.5",
    "1e-7",
    "123456789012345678",
    "-0.0",
    "3.141592653589793",
];

/// A payload the SDK schema accepts, with every choice (optional present or not, null or not,
/// which union alternative, which enum value, which string or number) drawn from `choices`.
pub fn sample_random(ty: &SdkType, choices: &mut Choices<'_>) -> Value {
    match ty {
        SdkType::String => json!(STRINGS[choices.next(STRINGS.len())]),
        SdkType::Number => serde_json::from_str(NUMBERS[choices.next(NUMBERS.len())]).unwrap(),
        SdkType::Boolean => json!(choices.next(2) == 1),
        SdkType::Literal(value) => json!(value),
        SdkType::Enum(values) => json!(values[choices.next(values.len())]),
        SdkType::Array(item) => {
            let count = choices.next(3);
            Value::Array((0..count).map(|_| sample_random(item, choices)).collect())
        }
        SdkType::Map(value) => {
            let count = choices.next(3);
            Value::Object(
                (0..count)
                    .map(|i| {
                        (
                            format!("{}{i}", STRINGS[choices.next(STRINGS.len())]),
                            sample_random(value, choices),
                        )
                    })
                    .collect(),
            )
        }
        SdkType::Union(variants) => sample_random(&variants[choices.next(variants.len())], choices),
        SdkType::Object(fields) => Value::Object(sample_object_random(fields, choices)),
    }
}

pub fn sample_object_random(fields: &[SdkField], choices: &mut Choices<'_>) -> Map<String, Value> {
    let mut object = Map::new();
    for field in fields {
        if field.optional && choices.next(2) == 0 {
            continue;
        }
        let value = if field.nullable && choices.next(3) == 0 {
            Value::Null
        } else {
            sample_random(&field.ty, choices)
        };
        object.insert(field.name.clone(), value);
    }
    object
}

// ---- the SDK's schema as a judge --------------------------------------------------------------

/// Whether the SDK's schema accepts `value` for `ty`, as its zod schemas would: unknown keys are
/// accepted (zod strips them), `null` only where nullable, absence only where optional.
pub fn accepts(ty: &SdkType, value: &Value, at: &str) -> Result<(), String> {
    let wrong = || Err(format!("at `{at}`: {value} is not a {ty:?}"));
    match ty {
        SdkType::String if value.is_string() => Ok(()),
        SdkType::Number if value.is_number() => Ok(()),
        SdkType::Boolean if value.is_boolean() => Ok(()),
        SdkType::Literal(literal) if value.as_str() == Some(literal.as_str()) => Ok(()),
        SdkType::Enum(values)
            if value
                .as_str()
                .is_some_and(|v| values.iter().any(|e| e == v)) =>
        {
            Ok(())
        }
        SdkType::Array(item) => match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item_value)| accepts(item, item_value, &format!("{at}[{i}]"))),
            None => wrong(),
        },
        SdkType::Map(item) => match value.as_object() {
            Some(map) => map.iter().try_for_each(|(key, item_value)| {
                accepts(item, item_value, &format!("{at}.{key}"))
            }),
            None => wrong(),
        },
        SdkType::Union(variants) => {
            if variants
                .iter()
                .any(|variant| accepts(variant, value, at).is_ok())
            {
                Ok(())
            } else {
                wrong()
            }
        }
        SdkType::Object(fields) => accepts_object(fields, value, at),
        _ => wrong(),
    }
}

/// [`accepts`] for an object's fields.
pub fn accepts_object(fields: &[SdkField], value: &Value, at: &str) -> Result<(), String> {
    let Some(map) = value.as_object() else {
        return Err(format!("at `{at}`: {value} is not an object"));
    };
    for field in fields {
        let path = if at.is_empty() {
            field.name.clone()
        } else {
            format!("{at}.{}", field.name)
        };
        match map.get(&field.name) {
            None if field.optional => {}
            None => return Err(format!("at `{path}`: missing")),
            Some(Value::Null) if field.nullable => {}
            Some(value) => accepts(&field.ty, value, &path)?,
        }
    }
    Ok(())
}
