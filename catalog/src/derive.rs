//! `#[derive(partner_events::Event)]`: a partner's own struct, checked against the catalog at
//! compile time, then given the same runtime traits as the generated types.
//!
//! The struct keeps its own serde derives; this derive reads serde's `rename` and `rename_all`
//! (and `skip`) to know each field's wire name, checks the fields against the payload schema of
//! `#[event(name = "...", version = "...")]`, and implements `Event` and `SendEvent` or
//! `ReceivedEvent`.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase,
    ToUpperCamelCase,
};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use crate::diagnostic::did_you_mean;
use crate::expand::{event_trait_impls, ImplTarget};
use crate::model::{Catalog, Field, Payload, Type};

/// Expands the derive on `input` against `catalog` (already loaded by the caller);
/// `catalog_source` is an expression for the catalog's text, for the test kit.
pub fn expand(
    input: &syn::DeriveInput,
    catalog: &Catalog,
    catalog_source: &TokenStream,
) -> TokenStream {
    let mut errors = Errors::default();
    let attrs = EventAttrs::parse(input, &mut errors);
    let (Some(name), Some(version)) = (&attrs.name, &attrs.version) else {
        if attrs.name.is_none() && attrs.version.is_none() && errors.is_empty() {
            errors.push(syn::Error::new(
                input.ident.span(),
                "`#[derive(partner_events::Event)]` needs `#[event(name = \"<catalog event name>\", version = \"<schema version>\")]`",
            ));
        } else if errors.is_empty() {
            let missing = if attrs.name.is_none() {
                "name"
            } else {
                "version"
            };
            errors.push(syn::Error::new(
                attrs.span.unwrap_or_else(|| input.ident.span()),
                format!("`#[event(...)]` is missing `{missing} = \"...\"`"),
            ));
        }
        return errors.finish(TokenStream::new());
    };
    let Some(event) = catalog.event(&name.value()) else {
        let help = did_you_mean(
            &name.value(),
            catalog.events.iter().map(|e| e.name.as_str()),
        )
        .unwrap_or_else(|| "use an event name from catalog.yaml".into());
        errors.push(syn::Error::new(
            name.span(),
            format!("`{}` is not an event of the catalog; {help}", name.value()),
        ));
        return errors.finish(TokenStream::new());
    };
    let Some(schema) = event
        .versions
        .iter()
        .find(|v| v.version.to_string() == version.value())
    else {
        let listed: Vec<String> = event
            .versions
            .iter()
            .map(|v| format!("`{}`", v.version))
            .collect();
        errors.push(syn::Error::new(
            version.span(),
            format!(
                "`{}` has no schema version `{}`; the catalog lists {}",
                event.name,
                version.value(),
                listed.join(", ")
            ),
        ));
        return errors.finish(TokenStream::new());
    };
    let syn::Data::Struct(data) = &input.data else {
        errors.push(syn::Error::new(
            input.ident.span(),
            "`#[derive(partner_events::Event)]` is for structs with named fields, one per payload field",
        ));
        return errors.finish(TokenStream::new());
    };
    if let Payload::Object(object) = &schema.payload {
        let syn::Fields::Named(fields) = &data.fields else {
            errors.push(syn::Error::new(
                data.fields.span(),
                "`#[derive(partner_events::Event)]` needs named fields, one per payload field",
            ));
            return errors.finish(TokenStream::new());
        };
        let rename_all = serde_rename_all(&input.attrs, &mut errors);
        let mut seen: Vec<&str> = Vec::new();
        for field in &fields.named {
            let Some(ident) = &field.ident else { continue };
            let serde = SerdeField::parse(&field.attrs, &mut errors);
            if serde.skip {
                continue;
            }
            if serde.flatten {
                errors.push(syn::Error::new(
                    ident.span(),
                    "`#[serde(flatten)]` fields cannot be checked against the catalog; list the payload's fields",
                ));
                continue;
            }
            let wire = serde
                .rename
                .unwrap_or_else(|| apply_rename_all(rename_all.as_deref(), &ident.to_string()));
            match object.fields.iter().find(|f| f.wire_name == wire) {
                Some(schema_field) => {
                    seen.push(&schema_field.wire_name);
                    if let Err(message) = check_type(&field.ty, schema_field) {
                        errors.push(syn::Error::new(
                            field.ty.span(),
                            format!("field `{ident}` (`{wire}` on the wire): {message}"),
                        ));
                    }
                }
                None if attrs.allow_extra_fields => {}
                None => {
                    let help =
                        did_you_mean(&wire, object.fields.iter().map(|f| f.wire_name.as_str()))
                            .unwrap_or_else(|| {
                                "remove it, or add `allow_extra_fields` to `#[event(...)]`".into()
                            });
                    errors.push(syn::Error::new(
                        ident.span(),
                        format!(
                            "`{wire}` is not a field of the `{}` {} payload; {help}",
                            event.name, schema.version
                        ),
                    ));
                }
            }
        }
        let missing: Vec<String> = object
            .fields
            .iter()
            .filter(|f| !f.optional && !seen.contains(&f.wire_name.as_str()))
            .map(|f| format!("`{}` ({})", f.wire_name, f.ty))
            .collect();
        if !missing.is_empty() {
            errors.push(syn::Error::new(
                input.ident.span(),
                format!(
                    "`{}` {} requires {} missing here: {}",
                    event.name,
                    schema.version,
                    if missing.len() == 1 {
                        "a field"
                    } else {
                        "fields"
                    },
                    missing.join(", ")
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return errors.finish(TokenStream::new());
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let target = ImplTarget {
        impl_generics: quote!(#impl_generics),
        self_ty: quote!(#ident #ty_generics),
        where_clause: quote!(#where_clause),
    };
    event_trait_impls(
        &target,
        event,
        schema,
        &quote!(::partner_events),
        Some(catalog_source),
    )
}

#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn finish(self, tokens: TokenStream) -> TokenStream {
        match self.0 {
            Some(errors) => errors.to_compile_error(),
            None => tokens,
        }
    }
}

#[derive(Default)]
struct EventAttrs {
    name: Option<syn::LitStr>,
    version: Option<syn::LitStr>,
    allow_extra_fields: bool,
    span: Option<Span>,
}

const EVENT_ARGS: &[&str] = &["name", "version", "allow_extra_fields", "catalog"];

impl EventAttrs {
    fn parse(input: &syn::DeriveInput, errors: &mut Errors) -> Self {
        let mut attrs = EventAttrs::default();
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
            attrs.span = Some(attr.span());
            let result = attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "name" => attrs.name = Some(meta.value()?.parse()?),
                    "version" => attrs.version = Some(meta.value()?.parse()?),
                    "allow_extra_fields" => attrs.allow_extra_fields = true,
                    // read by the macro crate before the catalog is loaded
                    "catalog" => {
                        meta.value()?.parse::<syn::LitStr>()?;
                    }
                    other => {
                        let help = did_you_mean(other, EVENT_ARGS.iter().copied())
                            .unwrap_or_else(|| format!("the keys are: {}", EVENT_ARGS.join(", ")));
                        return Err(meta.error(format!("unknown `event` key `{other}`; {help}")));
                    }
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        attrs
    }
}

/// The `catalog = "..."` of `#[event(...)]`, if any, for the macro crate to load.
pub fn catalog_path(input: &syn::DeriveInput) -> Option<syn::LitStr> {
    let mut found = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("catalog") {
                found = Some(meta.value()?.parse::<syn::LitStr>()?);
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    found
}

#[derive(Default)]
struct SerdeField {
    rename: Option<String>,
    skip: bool,
    flatten: bool,
}

impl SerdeField {
    fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        let mut field = SerdeField::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if meta.input.peek(syn::Token![=]) {
                        field.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    } else {
                        // rename(serialize = "...", deserialize = "..."): the serialize name
                        meta.parse_nested_meta(|inner| {
                            let value = inner.value()?.parse::<syn::LitStr>()?.value();
                            if inner.path.is_ident("serialize") {
                                field.rename = Some(value);
                            }
                            Ok(())
                        })?;
                    }
                } else if meta.path.is_ident("skip") {
                    field.skip = true;
                } else if meta.path.is_ident("flatten") {
                    field.flatten = true;
                } else {
                    skip_meta(&meta)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        field
    }
}

/// Reads past a serde key this derive does not care about: `key`, `key = value` or `key(...)`.
fn skip_meta(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_meta(&inner))?;
    }
    Ok(())
}

fn serde_rename_all(attrs: &[syn::Attribute], errors: &mut Errors) -> Option<String> {
    let mut rule = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                if meta.input.peek(syn::Token![=]) {
                    rule = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else {
                    meta.parse_nested_meta(|inner| {
                        let value = inner.value()?.parse::<syn::LitStr>()?.value();
                        if inner.path.is_ident("serialize") {
                            rule = Some(value);
                        }
                        Ok(())
                    })?;
                }
            } else {
                skip_meta(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    rule
}

/// The wire name serde gives a field under `rename_all`.
fn apply_rename_all(rule: Option<&str>, field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    match rule {
        Some("camelCase") => field.to_lower_camel_case(),
        Some("PascalCase") => field.to_upper_camel_case(),
        Some("snake_case") => field.to_snake_case(),
        Some("SCREAMING_SNAKE_CASE") => field.to_shouty_snake_case(),
        Some("kebab-case") => field.to_kebab_case(),
        Some("SCREAMING-KEBAB-CASE") => field.to_shouty_kebab_case(),
        Some("lowercase") => field.to_lowercase(),
        Some("UPPERCASE") => field.to_uppercase(),
        _ => field.to_owned(),
    }
}

const STRINGS: &[&str] = &[
    "String",
    "str",
    "Cow",
    "Box",
    "Rc",
    "Arc",
    "CompactString",
    "SmolStr",
];
const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64", "Number",
];
const ARRAYS: &[&str] = &["Vec", "VecDeque", "Box", "Cow", "SmallVec"];
const MAPS: &[&str] = &["BTreeMap", "HashMap", "IndexMap"];
const ANY_JSON: &[&str] = &["Value", "RawValue"];

/// The last segment of a path type (through references), with its generic arguments.
fn segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        syn::Type::Reference(reference) => segment(&reference.elem),
        syn::Type::Paren(paren) => segment(&paren.elem),
        syn::Type::Group(group) => segment(&group.elem),
        _ => None,
    }
}

fn first_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let segment = segment(ty)?;
    (segment.ident == "Option")
        .then(|| first_argument(segment))
        .flatten()
}

/// Whether a Rust type can hold a field of the schema, with a message saying what fits if not.
fn check_type(ty: &syn::Type, field: &Field) -> Result<(), String> {
    let may_be_missing = field.optional || field.nullable;
    let inner = match (option_inner(ty), may_be_missing) {
        (Some(inner), true) => option_inner(inner).unwrap_or(inner),
        (Some(_), false) => {
            return Err(format!(
                "the field is required and not nullable, so it cannot be an `Option`; use the {} itself",
                field.ty
            ))
        }
        (None, true) if field.optional => {
            return Err("the field is optional, so it must be an `Option<_>`".into())
        }
        (None, true) => return Err("the field is nullable, so it must be an `Option<_>`".into()),
        (None, false) => ty,
    };
    check_value(inner, &field.ty)
}

fn check_value(ty: &syn::Type, schema: &Type) -> Result<(), String> {
    let Some(segment) = segment(ty) else {
        if let (syn::Type::Slice(_) | syn::Type::Array(_), Type::Array(_)) = (ty, schema) {
            return Ok(());
        }
        return Err(format!("a {schema} does not fit this type"));
    };
    let name = segment.ident.to_string();
    if ANY_JSON.contains(&name.as_str()) {
        return Ok(());
    }
    let fits = |allowed: &[&str]| allowed.contains(&name.as_str());
    match schema {
        Type::String => fits(STRINGS)
            .then_some(())
            .ok_or_else(|| format!("a string fits `String`, `&str` or `Cow<str>`, not `{name}`")),
        Type::Number => fits(NUMBERS)
            .then_some(())
            .ok_or_else(|| format!("a number fits a numeric type (`i64`, `u32`, `f64`, `serde_json::Number`, ...), not `{name}`")),
        Type::Boolean => (name == "bool")
            .then_some(())
            .ok_or_else(|| format!("a boolean fits `bool`, not `{name}`")),
        Type::Json => Ok(()),
        // literals and enums: a string type, or the partner's (or generated) enum
        Type::Literal(_) | Type::Enum(_) => (!fits(NUMBERS) && name != "bool" && name != "Vec" && !fits(MAPS))
            .then_some(())
            .ok_or_else(|| format!("{schema} fits a string type or an enum, not `{name}`")),
        Type::Array(item) => {
            if !fits(ARRAYS) {
                return Err(format!("an array fits `Vec<_>` or a slice, not `{name}`"));
            }
            match first_argument(segment) {
                Some(inner) if name != "Box" && name != "Cow" => check_value(inner, item)
                    .map_err(|message| format!("in the array items: {message}")),
                _ => Ok(()),
            }
        }
        Type::Map(value) => {
            if !fits(MAPS) {
                return Err(format!("a map fits `BTreeMap<String, _>` or `HashMap<String, _>`, not `{name}`"));
            }
            match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.iter().nth(1) {
                    Some(syn::GenericArgument::Type(inner)) => check_value(inner, value)
                        .map_err(|message| format!("in the map values: {message}")),
                    _ => Ok(()),
                },
                _ => Ok(()),
            }
        }
        // objects, shapes and unions: the generated type or the partner's own struct or enum
        Type::Named(_) | Type::Object(_) | Type::Union(_) => {
            (!fits(NUMBERS) && name != "bool" && name != "String" && name != "str")
                .then_some(())
                .ok_or_else(|| format!("{schema} fits a struct or enum (such as the generated one), not `{name}`"))
        }
    }
}
