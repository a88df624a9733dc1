//! Rust code for a validated catalog.
//!
//! The output refers to the runtime only through absolute paths (`::partner_events::…` by
//! default, `__private` for what users should not name), so a user's own `Option` or `serde`
//! cannot break it. Items come out in [`layout::type_defs`] order, which is stable. Everything
//! that must name a deprecated event type carries `#[allow(deprecated)]`, so the generated code
//! never warns on its own; only the user's uses of a deprecated event do.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::layout::{self, DefKind, Owner, RustType};
use crate::model::{Catalog, Direction, Event, Field, Object, Payload, Version};
use crate::naming;

mod sunset;
mod wire;

pub use sunset::{as_of_date, sunset_events, AS_OF_VARIABLES};

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The path of the runtime crate as the generated code must spell it.
    pub runtime: TokenStream,
    /// The catalog's absolute path: when set, the output `include_str!`s it, so that cargo
    /// rebuilds the code whenever the file changes.
    pub track_path: Option<String>,
    /// The build's as-of date: naming an event type whose sunset is before it is a compile error.
    pub as_of: Option<crate::date::Date>,
    /// Environment variables the as-of date may come from: the output reads them with
    /// `option_env!`, so that cargo rebuilds when they change.
    pub track_env: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: quote!(::partner_events),
            track_path: None,
            as_of: None,
            track_env: Vec::new(),
        }
    }
}

/// The generated items for every type of the catalog, plus the received-event dispatch.
pub fn expand(catalog: &Catalog, options: &Options) -> TokenStream {
    let rt = &options.runtime;
    let mut items = TokenStream::new();
    // The catalog's text, included (which also makes cargo rebuild when the file changes): the
    // test kit (`partner_events::testing`) samples every type from it. Once per catalog, named by
    // every type's `Event::CATALOG_SOURCE`.
    let source = options.track_path.as_ref().map(|path| {
        items.extend(quote! {
            #[doc(hidden)]
            pub const __CATALOG_SOURCE: &str = ::core::include_str!(#path);
        });
        quote!(__CATALOG_SOURCE)
    });
    let mut deprecated_events = TokenStream::new();
    for def in layout::type_defs(catalog) {
        items.extend(type_def(
            &def,
            catalog,
            rt,
            source.as_ref(),
            &mut deprecated_events,
        ));
    }
    if !deprecated_events.is_empty() {
        items.extend(quote! {
            /// The payload types of deprecated events, themselves not deprecated, so that their
            /// fields do not each repeat the deprecation. Name them through the deprecated aliases
            /// of the same name one module up, which warn.
            pub mod deprecated_events {
                #[allow(unused_imports)]
                use super::*;

                #deprecated_events
            }
        });
    }
    for event in &catalog.events {
        items.extend(newest_alias(event));
    }
    items.extend(dispatch_enum(catalog, Direction::Received, rt));
    items.extend(dispatch_enum(catalog, Direction::Send, rt));
    items.extend(catalog_impl(catalog, rt));
    for variable in &options.track_env {
        items.extend(quote!(
            const _: ::core::option::Option<&str> = ::core::option_env!(#variable);
        ));
    }
    match options.as_of {
        Some(as_of) => sunset::sunset_wrapper(catalog, as_of, items),
        None => items,
    }
}

/// Whether a payload type checks its own schema version on read (a `schemaVersion` field that is
/// the literal version), so that decoding it successfully proves the version matched.
fn checks_own_version(version: &Version) -> bool {
    let Payload::Object(object) = &version.payload else {
        return false;
    };
    object.fields.iter().any(|field| {
        field.wire_name == "schemaVersion"
            && !field.optional
            && !field.nullable
            && field.ty == crate::model::Type::Literal(version.version.to_string())
    })
}

/// `Catalog`: the catalog as a type, which `partner_events::Decoder` is generic over.
fn catalog_impl(catalog: &Catalog, rt: &TokenStream) -> TokenStream {
    // The one-pass decoder reads a received payload straight into its newest type when that type
    // checks its own `schemaVersion` literal; anything else is captured raw and classified after.
    let fast_arms = catalog.events_of(Direction::Received).filter_map(|event| {
        let newest = event.newest();
        if !checks_own_version(newest) {
            return None;
        }
        let name = &event.name;
        let ty = ident(&naming::version_type_name(event, &newest.version));
        let wrapped = PayloadStorage::of(catalog, newest).wrap(quote!(__payload));
        Some(quote! {
            #name => {
                let __payload = <#ty as #rt::__private::serde::Deserialize>::deserialize(__deserializer)?;
                *__slot = ::core::option::Option::Some(Received::#ty(#wrapped));
                ::core::result::Result::Ok(#rt::__private::FastPayload::Typed)
            }
        })
    });
    quote! {
        /// This catalog as a type: what [`partner_events::Decoder`] decodes with.
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ::core::default::Default)]
        pub struct Catalog;

        #[automatically_derived]
        #[allow(deprecated)]
        impl #rt::EventCatalog for Catalog {
            type Received = Received;
            type Sent = Sent;

            fn received() -> &'static [#rt::__private::Entry<Received>] {
                __RECEIVED
            }

            fn sent() -> &'static [#rt::__private::Entry<Sent>] {
                __SENT
            }

            fn deserialize_received_fast<'de, __D>(
                __name: &str,
                __deserializer: __D,
                __slot: &mut ::core::option::Option<Received>,
            ) -> ::core::result::Result<#rt::__private::FastPayload<'de>, __D::Error>
            where
                __D: #rt::__private::serde::Deserializer<'de>,
            {
                match __name {
                    #(#fast_arms)*
                    _ => <&'de #rt::__private::serde_json::value::RawValue as #rt::__private::serde::Deserialize>::deserialize(__deserializer)
                        .map(#rt::__private::FastPayload::Raw),
                }
            }
        }
    }
}

/// How the dispatch enums (`Received`, `Sent`) hold one schema version's payload: in a `Box` or
/// inline, as [`layout::boxed_in_dispatch`] decides. The one place that spells either out, for the
/// enums, their decode tables and `#[handler]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadStorage {
    boxed: bool,
}

impl PayloadStorage {
    /// The storage of `version`'s payload.
    pub fn of(catalog: &Catalog, version: &Version) -> Self {
        PayloadStorage {
            boxed: layout::boxed_in_dispatch(catalog, version),
        }
    }

    /// The variant's field type, for the payload type `ty`.
    pub fn field_type(self, ty: &Ident) -> TokenStream {
        if self.boxed {
            quote!(::std::boxed::Box<#ty>)
        } else {
            quote!(#ty)
        }
    }

    /// The variant's field, from a payload value.
    pub fn wrap(self, payload: TokenStream) -> TokenStream {
        if self.boxed {
            quote!(::std::boxed::Box::new(#payload))
        } else {
            payload
        }
    }

    /// The payload value, from the variant's field.
    pub fn unwrap(self, field: TokenStream) -> TokenStream {
        if self.boxed {
            quote!(*#field)
        } else {
            field
        }
    }
}

/// `Received` (or `Sent`): one variant per event and schema version of a direction, and the
/// table that decodes a payload into it by name and version.
fn dispatch_enum(catalog: &Catalog, direction: Direction, rt: &TokenStream) -> TokenStream {
    let (enum_name, table_name, what) = match direction {
        Direction::Received => (ident("Received"), ident("__RECEIVED"), "received"),
        Direction::Send => (ident("Sent"), ident("__SENT"), "send"),
    };
    let versions: Vec<(&Event, &Version, Ident)> = catalog
        .events_of(direction)
        .flat_map(|event| {
            event.versions.iter().map(move |version| {
                (
                    event,
                    version,
                    ident(&naming::version_type_name(event, &version.version)),
                )
            })
        })
        .collect();
    let variants = versions.iter().map(|(event, version, ty)| {
        let storage = PayloadStorage::of(catalog, version);
        let limit = layout::INLINE_PAYLOAD_BYTES;
        let storage_doc = match layout::estimated_payload_size(catalog, version) {
            None => "Boxed: open JSON has no fixed size.".to_owned(),
            Some(bytes) if storage.boxed => {
                format!("Boxed: the payload's estimated size, {bytes} bytes, is over the {limit}-byte limit.")
            }
            Some(bytes) => {
                format!("Held inline: the payload's estimated size, {bytes} bytes, is within the {limit}-byte limit.")
            }
        };
        let doc = format!(
            "`{}`, schema version {}. {storage_doc}",
            event.name, version.version
        );
        let deprecated = deprecated_attr(event);
        let field = storage.field_type(ty);
        quote!(#[doc = #doc] #deprecated #ty(#field),)
    });
    let arms = |body: &dyn Fn(&Ident) -> TokenStream| -> Vec<TokenStream> {
        versions
            .iter()
            .map(|(_, _, ty)| {
                let body = body(ty);
                quote!(#enum_name::#ty(__payload) => #body,)
            })
            .collect()
    };
    // `match self {}` does not compile for an empty enum behind a reference; `match *self {}` does.
    let scrutinee = if versions.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };
    let name_arms = arms(&|ty| quote!(<#ty as #rt::Event>::NAME));
    let version_arms = arms(&|ty| quote!(<#ty as #rt::Event>::SCHEMA_VERSION));
    let lifecycle_arms = arms(&|ty| quote!(<#ty as #rt::Event>::LIFECYCLE));
    let type_name_arms = arms(&|ty| {
        let name = ty.to_string();
        quote!(#name)
    });
    let serialize_arms =
        arms(&|_| quote!(#rt::__private::serde::Serialize::serialize(__payload, __serializer)));
    let entries = versions.iter().map(|(_, version, ty)| {
        let wrapped = PayloadStorage::of(catalog, version).wrap(quote!(__payload));
        quote! {
            #rt::__private::Entry {
                name: <#ty as #rt::Event>::NAME,
                version: <#ty as #rt::Event>::SCHEMA_VERSION,
                lifecycle: <#ty as #rt::Event>::LIFECYCLE,
                decode: |__json| #rt::__private::decode_payload(__json, |__payload| #enum_name::#ty(#wrapped)),
            },
        }
    });
    let doc = format!(
        "Any {what}-direction event of the catalog: one variant per event and schema version, \
         named after its type. Serializes as the payload alone.\n\n\
         Payloads of up to {inline} bytes (one string and the `schemaVersion` literal, say) are \
         held inline; larger ones and open JSON are boxed, so that the enum, and every move of a \
         decoded message, stays small. Each variant's documentation says which it is.",
        inline = layout::INLINE_PAYLOAD_BYTES
    );
    let table_doc = format!("The {what}-direction events, for decoding by name and version.");
    quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        #[allow(deprecated)]
        #[non_exhaustive]
        pub enum #enum_name { #(#variants)* }

        #[automatically_derived]
        #[allow(deprecated, unreachable_code, unused_variables)]
        impl #enum_name {
            /// The event's wire name.
            pub fn event_name(&self) -> &'static str {
                match #scrutinee { #(#name_arms)* }
            }
            /// The schema version of the payload's type.
            pub fn schema_version(&self) -> #rt::SchemaVersion {
                match #scrutinee { #(#version_arms)* }
            }
            /// The event's lifecycle.
            pub fn lifecycle(&self) -> #rt::Lifecycle {
                match #scrutinee { #(#lifecycle_arms)* }
            }
            /// The name of the payload's generated Rust type.
            pub fn type_name(&self) -> &'static str {
                match #scrutinee { #(#type_name_arms)* }
            }
        }

        #[automatically_derived]
        impl #rt::AnyEvent for #enum_name {
            fn event_name(&self) -> &'static str {
                #enum_name::event_name(self)
            }
            fn schema_version(&self) -> #rt::SchemaVersion {
                #enum_name::schema_version(self)
            }
            fn lifecycle(&self) -> #rt::Lifecycle {
                #enum_name::lifecycle(self)
            }
            fn type_name(&self) -> &'static str {
                #enum_name::type_name(self)
            }
        }

        #[automatically_derived]
        #[allow(deprecated, unreachable_code, unused_variables)]
        impl #rt::__private::serde::Serialize for #enum_name {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #rt::__private::serde::Serializer,
            {
                match #scrutinee { #(#serialize_arms)* }
            }
        }

        #[doc = #table_doc]
        #[doc(hidden)]
        #[allow(deprecated)]
        pub const #table_name: &[#rt::__private::Entry<#enum_name>] = &[#(#entries)*];
    }
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[deprecated]` for an event with a deprecation date.
pub fn deprecated_attr(event: &Event) -> Option<TokenStream> {
    let deprecation = event.deprecation?;
    let since = deprecation.to_string();
    let note = deprecation_note(event);
    // `since` holds the catalog's deprecation date, which is what a partner needs to know; clippy
    // expects a semver there, so its lint is allowed on the one item that carries the date.
    Some(quote! {
        #[allow(clippy::deprecated_semver)]
        #[deprecated(since = #since, note = #note)]
    })
}

/// The deprecation note: since when, until when, and what to use instead.
pub fn deprecation_note(event: &Event) -> String {
    let mut note = format!("`{}` is deprecated", event.name);
    if let Some(date) = event.deprecation {
        note.push_str(&format!(" since {}", docs::format_date(date)));
    }
    match event.sunset {
        Some(date) => note.push_str(&format!(" and sunsets on {}", docs::format_date(date))),
        None => note.push_str(" (no sunset date set)"),
    }
    if let Some(replacement) = &event.replaced_by {
        note.push_str(&format!(
            "; use `{replacement}` (`{}`) instead",
            naming::event_type_name(replacement)
        ));
    }
    note
}

/// The derives of a generated type. Every type the catalog can describe is `Eq` (numbers are
/// `serde_json::Number`, open JSON is `serde_json::Value`); `copy` adds `Copy` and `Hash` for
/// enums and literals. Structs derive `Deserialize` elsewhere ([`struct_def`]).
/// The standard derives of a generated type, and serde's where the type's JSON is not written by
/// [`wire`] (unions, open payloads).
fn derives(rt: &TokenStream, copy: bool, serde_derive: bool) -> TokenStream {
    let copy = copy.then(|| quote!(::core::marker::Copy, ::core::hash::Hash,));
    let serde = serde_derive.then(|| {
        let serde_path = serde_path(rt);
        (
            quote!(#rt::__private::serde::Serialize, #rt::__private::serde::Deserialize,),
            quote!(#[serde(crate = #serde_path)]),
        )
    });
    let (serde_derives, serde_crate) = serde.unzip();
    quote! {
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            #copy
            #serde_derives
        )]
        #serde_crate
    }
}

fn serde_path(rt: &TokenStream) -> String {
    format!("{rt}::__private::serde").replace(' ', "")
}

fn type_def(
    def: &layout::TypeDef<'_>,
    catalog: &Catalog,
    rt: &TokenStream,
    catalog_source: Option<&TokenStream>,
    deprecated_events: &mut TokenStream,
) -> TokenStream {
    let name = ident(&def.name);
    let (doc, deprecated) = match def.owner {
        Owner::Event(event, version) => {
            (docs::event_rustdoc(event, version), deprecated_attr(event))
        }
        Owner::Shape(shape) => (
            shape
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{}` shape of the catalog.", shape.name)),
            None,
        ),
        Owner::Nested { event } => (
            match event {
                Some(event) => format!("Part of the `{}` event's payload.", event.name),
                None => "Part of a catalog shape.".to_owned(),
            },
            None,
        ),
    };
    let body = match def.kind {
        DefKind::Struct(object) => struct_def(&name, &def.name, object, catalog, rt),
        DefKind::Enum(values) => {
            let derives = derives(rt, true, false);
            let wire = wire::variant_impls(&name, values, &quote!(self.as_str()), rt);
            let variants = values.iter().map(|value| {
                let variant = ident(&naming::variant_name(value));
                let doc = format!("`\"{value}\"`");
                quote!(#[doc = #doc] #variant,)
            });
            let arms = values.iter().map(|value| {
                let variant = ident(&naming::variant_name(value));
                quote!(#name::#variant => #value,)
            });
            quote! {
                #derives
                pub enum #name { #(#variants)* }

                #[automatically_derived]
                impl #name {
                    /// The value as it is on the wire.
                    pub const fn as_str(&self) -> &'static str {
                        match self { #(#arms)* }
                    }
                }

                #wire
            }
        }
        DefKind::Literal(value) => {
            let derives = derives(rt, true, false);
            let wire = wire::variant_impls(&name, &[value.to_string()], &quote!(Self::VALUE), rt);
            let variant = ident(&naming::variant_name(value));
            let doc = format!("`\"{value}\"`, the only value accepted.");
            quote! {
                #derives
                #[derive(::core::default::Default)]
                pub enum #name {
                    #[doc = #doc]
                    #[default]
                    #variant,
                }

                #[automatically_derived]
                impl #name {
                    /// The literal, as it is on the wire.
                    pub const VALUE: &'static str = #value;
                }

                #wire
            }
        }
        DefKind::Union(variants) => {
            let derives = derives(rt, false, true);
            let variants = variants.iter().map(|variant| {
                let variant_name = naming::union_variant_name(variant);
                let inner = rust_type_tokens(
                    &layout::rust_type(&format!("{}{variant_name}", def.name), variant),
                    rt,
                );
                let variant_ident = ident(&variant_name);
                let doc = format!("A {variant}.");
                quote!(#[doc = #doc] #variant_ident(#inner),)
            });
            quote! {
                #derives
                #[serde(untagged)]
                pub enum #name { #(#variants)* }
            }
        }
        DefKind::Alias(ty) => {
            let target = rust_type_tokens(&layout::rust_type(&def.name, ty), rt);
            quote!(pub type #name = #target;)
        }
        DefKind::Open(_) => {
            let derives = derives(rt, false, true);
            quote! {
                #derives
                #[serde(transparent)]
                pub struct #name(
                    /// The payload as it came, since its schema is not documented yet.
                    pub #rt::__private::serde_json::Value,
                );
            }
        }
    };
    let event_impls = match def.owner {
        Owner::Event(event, version) => event_impls(&name, event, version, rt, catalog_source),
        _ => TokenStream::new(),
    };
    let Some(deprecated) = deprecated else {
        return quote! {
            #[doc = #doc]
            #[allow(deprecated)]
            #body
            #event_impls
        };
    };
    // A deprecated event's type is an alias of the same name, deprecated, over the type itself in
    // the `deprecated_events` module: naming the type warns, once, as before, but its fields do not
    // inherit the deprecation (rustdoc would otherwise repeat the banner on every field, and rustc
    // would warn on every field read of a value the handler was given). The module is documented,
    // not hidden, so that the alias's page shows the fields.
    deprecated_events.extend(quote! {
        #[doc = #doc]
        #body
        #event_impls
    });
    quote! {
        #[doc = #doc]
        #deprecated
        pub type #name = deprecated_events::#name;
    }
}

/// A struct: its fields, documented, and its JSON as [`wire`] writes it.
fn struct_def(
    name: &Ident,
    type_name: &str,
    object: &Object,
    catalog: &Catalog,
    rt: &TokenStream,
) -> TokenStream {
    let derives = derives(rt, false, false);
    let fields = object
        .fields
        .iter()
        .map(|field| field_def(type_name, field, rt));
    let wire = wire::struct_impls(name, object, catalog, rt);
    quote! {
        #derives
        pub struct #name { #(#fields)* }

        #wire
    }
}

/// A field, documented with its wire name, its catalog type and what absent and `null` mean.
fn field_def(parent: &str, field: &Field, rt: &TokenStream) -> TokenStream {
    let name = ident(&naming::field_name(&field.wire_name));
    let wire = &field.wire_name;
    let inner = rust_type_tokens(
        &layout::rust_type(&naming::nested_type_name(parent, wire), &field.ty),
        rt,
    );
    // Required nullable: absent is refused, `null` is `None`. Optional: absent is `None`, `null`
    // refused as zod refuses it for `.optional()`. Optional and nullable: absent, `null` and a
    // value are three different things, and all three round-trip.
    let ty = match (field.optional, field.nullable) {
        (false, false) => inner,
        (false, true) | (true, false) => quote!(::core::option::Option<#inner>),
        (true, true) => quote!(::core::option::Option<::core::option::Option<#inner>>),
    };
    let mut doc = format!("`{wire}`: {}", field.ty);
    match (field.optional, field.nullable) {
        (false, false) => doc.push_str(", required."),
        (false, true) => doc.push_str(", required, may be `null`."),
        (true, false) => doc.push_str(", optional (absent is `None`; `null` is refused)."),
        (true, true) => {
            doc.push_str(", optional and nullable (absent is `None`, `null` is `Some(None)`).")
        }
    }
    if let Some(text) = &field.doc {
        doc.push_str("\n\n");
        doc.push_str(text);
    }
    quote! {
        #[doc = #doc]
        pub #name: #ty,
    }
}

fn rust_type_tokens(ty: &RustType, rt: &TokenStream) -> TokenStream {
    match ty {
        RustType::String => quote!(::std::string::String),
        RustType::Number => quote!(#rt::__private::serde_json::Number),
        RustType::Bool => quote!(bool),
        RustType::Json => quote!(#rt::__private::serde_json::Value),
        RustType::Local(name) => {
            let name = ident(name);
            quote!(#name)
        }
        RustType::Vec(item) => {
            let item = rust_type_tokens(item, rt);
            quote!(::std::vec::Vec<#item>)
        }
        RustType::Map(value) => {
            let value = rust_type_tokens(value, rt);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
    }
}

fn schema_version_tokens(version: &semver::Version, rt: &TokenStream) -> TokenStream {
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    quote!(#rt::SchemaVersion::new(#major, #minor, #patch))
}

fn date_tokens(date: crate::date::Date, rt: &TokenStream) -> TokenStream {
    let (year, month, day) = (date.year(), date.month(), date.day());
    quote!(#rt::CatalogDate::new(#year, #month, #day))
}

fn option_tokens(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn event_impls(
    name: &Ident,
    event: &Event,
    version: &Version,
    rt: &TokenStream,
    catalog_source: Option<&TokenStream>,
) -> TokenStream {
    event_trait_impls(
        &ImplTarget::plain(quote!(#name)),
        event,
        version,
        rt,
        catalog_source,
    )
}

/// The type a trait impl is for, with the generics a derive input may have.
pub struct ImplTarget {
    /// `<'a, T>` after `impl`.
    pub impl_generics: TokenStream,
    /// `Reply<'a, T>`.
    pub self_ty: TokenStream,
    /// `where ...`.
    pub where_clause: TokenStream,
}

impl ImplTarget {
    /// A type without generics.
    pub fn plain(self_ty: TokenStream) -> Self {
        ImplTarget {
            impl_generics: TokenStream::new(),
            self_ty,
            where_clause: TokenStream::new(),
        }
    }
}

/// `Event` with the event's catalog row as constants, and `ReceivedEvent` or `SendEvent`: for the
/// generated types and for `#[derive(partner_events::Event)]` alike. `catalog_source` is an
/// expression for the catalog's text, when the caller has one.
pub fn event_trait_impls(
    target: &ImplTarget,
    event: &Event,
    version: &Version,
    rt: &TokenStream,
    catalog_source: Option<&TokenStream>,
) -> TokenStream {
    let ImplTarget {
        impl_generics,
        self_ty,
        where_clause,
    } = target;
    let event_name = &event.name;
    let direction = match event.direction {
        Direction::Received => quote!(#rt::Direction::Received),
        Direction::Send => quote!(#rt::Direction::Send),
    };
    let this_version = schema_version_tokens(&version.version, rt);
    let all_versions = event
        .versions
        .iter()
        .map(|v| schema_version_tokens(&v.version, rt));
    let active = date_tokens(event.active, rt);
    let deprecation = option_tokens(event.deprecation.map(|d| date_tokens(d, rt)));
    let sunset = option_tokens(event.sunset.map(|d| date_tokens(d, rt)));
    let replaced_by = option_tokens(event.replaced_by.as_ref().map(|r| quote!(#r)));
    let open = matches!(version.payload, Payload::Open(_));
    let marker = match event.direction {
        Direction::Received => quote!(ReceivedEvent),
        Direction::Send => quote!(SendEvent),
    };
    let source = catalog_source.map(|source| quote!(const CATALOG_SOURCE: &'static str = #source;));
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics #rt::Event for #self_ty #where_clause {
            const NAME: &'static str = #event_name;
            const DIRECTION: #rt::Direction = #direction;
            const SCHEMA_VERSION: #rt::SchemaVersion = #this_version;
            const SCHEMA_VERSIONS: &'static [#rt::SchemaVersion] = &[#(#all_versions),*];
            const LIFECYCLE: #rt::Lifecycle = #rt::Lifecycle {
                active: #active,
                deprecation: #deprecation,
                sunset: #sunset,
                replaced_by: #replaced_by,
            };
            const OPEN_PAYLOAD: bool = #open;
            #source
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics #rt::#marker for #self_ty #where_clause {}
    }
}

/// For events with several schema versions: `<Event>` names the newest version's type.
fn newest_alias(event: &Event) -> TokenStream {
    if event.versions.len() < 2 {
        return TokenStream::new();
    }
    let alias = ident(&naming::event_type_name(&event.name));
    let newest = ident(&naming::version_type_name(event, &event.newest().version));
    let deprecated = deprecated_attr(event);
    let doc = format!(
        "The newest schema version ({}) of the `{}` event; see [`{newest}`].",
        event.newest().version,
        event.name
    );
    quote! {
        #[doc = #doc]
        #deprecated
        #[allow(deprecated)]
        pub type #alias = #newest;
    }
}
