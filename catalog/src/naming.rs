//! How catalog names become Rust names. One place, so the validator (which refuses two names that
//! would collide), the code generator and the documentation always agree.
//!
//! | catalog | Rust |
//! |---|---|
//! | event `aw-interaction-focus-v2` | type `AwInteractionFocusV2` |
//! | event with several schema versions | `AwInteractionFocusV2Schema2_1_0` per version, `AwInteractionFocusV2` = the newest |
//! | field `interactionId` | field `interaction_id` (`#[serde(rename = "interactionId")]`) |
//! | field `type` | field `r#type` |
//! | inline object, enum, literal or union in field `meta` of `ChatMessage` | type `ChatMessageMeta` |
//! | array items / map values of field `wrapUpCodes` in `X` | `XWrapUpCodesItem` / `XWrapUpCodesValue` |
//! | enum or literal value `web_chat`, `1.0.0` | variant `WebChat`, `V1_0_0` |

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::model::{Event, Type};

/// The Rust type name of an event: the UpperCamelCase of its wire name.
pub fn event_type_name(event_name: &str) -> String {
    event_name.to_upper_camel_case()
}

/// The Rust type name of one schema version of an event.
///
/// An event with one schema version has one type, named after the event. An event with several
/// gets one type per version, `<Event>Schema<major>_<minor>_<patch>`; the plain event name is then
/// an alias of the newest.
pub fn version_type_name(event: &Event, version: &semver::Version) -> String {
    let base = event_type_name(&event.name);
    if event.versions.len() == 1 {
        base
    } else {
        format!(
            "{base}Schema{}_{}_{}",
            version.major, version.minor, version.patch
        )
    }
}

/// The Rust field name of a wire key: snake_case, with `r#` before keywords.
pub fn field_name(wire_name: &str) -> String {
    let snake = wire_name.to_snake_case();
    // `_1` is a valid wire name whose snake case, `1`, is not an identifier
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{snake}");
    }
    match snake.as_str() {
        // these cannot be raw identifiers
        "self" | "super" | "crate" | "extern" => format!("{snake}_"),
        s if is_keyword(s) => format!("r#{s}"),
        _ => snake,
    }
}

/// The name of a type generated for the value of `field` inside the type `parent`.
pub fn nested_type_name(parent: &str, wire_name: &str) -> String {
    format!("{parent}{}", wire_name.to_upper_camel_case())
}

/// The Rust variant name of an enum or literal value.
pub fn variant_name(value: &str) -> String {
    // `?.0.0` has no letter before its first digit either
    let leading_digit = value
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .starts_with(|c: char| c.is_ascii_digit());
    if leading_digit {
        let joined: String = value
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("V{joined}")
    } else {
        // Anything but ASCII letters and digits separates words, so the result is always a
        // plain ASCII identifier (or empty, which the validator refuses).
        let words: String = value
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let name = words.to_upper_camel_case();
        // the one capitalised keyword
        if name == "Self" {
            "Self_".to_owned()
        } else {
            name
        }
    }
}

/// The variant name of one alternative of a union.
pub fn union_variant_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Boolean => "Boolean".into(),
        Type::Json => "Json".into(),
        Type::Named(name) => name.clone(),
        Type::Object(_) => "Object".into(),
        Type::Array(_) => "Array".into(),
        Type::Map(_) => "Map".into(),
        Type::Enum(_) => "Enum".into(),
        Type::Literal(value) => variant_name(value),
        Type::Union(_) => "Union".into(),
    }
}

/// Whether a wire name can be turned into a Rust field name: ASCII letters, digits and `_`,
/// not starting with a digit, with at least one letter or digit.
pub fn is_valid_wire_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.chars().any(|c| c.is_ascii_alphanumeric())
}

/// Whether a name is the documented event-name form: lowercase words joined by `-`, ending in
/// `-v<N>`.
pub fn is_valid_event_name(name: &str) -> bool {
    let Some((stem, version)) = name.rsplit_once("-v") else {
        return false;
    };
    let version_ok = !version.is_empty() && version.chars().all(|c| c.is_ascii_digit());
    let stem_ok = !stem.is_empty()
        && stem.split('-').all(|word| {
            !word.is_empty()
                && word.starts_with(|c: char| c.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    version_ok && stem_ok
}

/// Whether a shape name is UpperCamelCase: an ASCII capital, then ASCII letters and digits.
pub fn is_valid_shape_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_become_upper_camel_case() {
        assert_eq!(
            event_type_name("aw-interaction-focus-v2"),
            "AwInteractionFocusV2"
        );
        assert_eq!(
            event_type_name("mashell-chat-nextgen-offered-cc-event-v1"),
            "MashellChatNextgenOfferedCcEventV1"
        );
    }

    #[test]
    fn field_names_are_snake_case_and_keyword_safe() {
        assert_eq!(field_name("interactionId"), "interaction_id");
        assert_eq!(field_name("disposition_code"), "disposition_code");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("lastTclCodeDesc"), "last_tcl_code_desc");
        // a valid wire name whose snake case starts with a digit
        assert_eq!(field_name("_1"), "_1");
        assert_eq!(field_name("_1st"), "_1st");
    }

    #[test]
    fn variants_of_digit_values_get_a_prefix() {
        assert_eq!(variant_name("1.0.0"), "V1_0_0");
        // found by fuzzing (`fuzz/artifacts/catalog/crash-db0709ef…`): was the identifier `00`
        assert_eq!(variant_name("?.0.0"), "V__0_0");
        assert_eq!(variant_name("self"), "Self_");
        assert_eq!(variant_name("web_chat"), "WebChat");
        assert_eq!(variant_name("mapEvent"), "MapEvent");
        assert_eq!(variant_name("größe"), "GrE");
        assert_eq!(variant_name("--"), "");
    }

    #[test]
    fn event_name_form() {
        assert!(is_valid_event_name("aw-interaction-hold-v1"));
        assert!(is_valid_event_name(
            "mashell-voice-phone-offered-cc-event-v12"
        ));
        assert!(!is_valid_event_name("aw-interaction-hold"));
        assert!(!is_valid_event_name("Aw-interaction-hold-v1"));
        assert!(!is_valid_event_name("aw--hold-v1"));
        assert!(!is_valid_event_name("aw_hold-v1"));
        assert!(!is_valid_event_name("-v1"));
        assert!(!is_valid_event_name("aw-hold-v"));
    }

    #[test]
    fn wire_field_names() {
        assert!(is_valid_wire_field_name("conversation_id"));
        assert!(is_valid_wire_field_name("_private"));
        assert!(!is_valid_wire_field_name("first name"));
        assert!(!is_valid_wire_field_name("1st"));
        assert!(!is_valid_wire_field_name("_"));
        assert!(!is_valid_wire_field_name(""));
    }
}
