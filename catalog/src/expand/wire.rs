//! How each generated type reads and writes its JSON: the `Serialize` and `Deserialize` impls of
//! structs, string enums and literals.
//!
//! serde's derive would write a visitor, a field enum and its visitor per type: two thirds of the
//! expanded runtime, for about a hundred types. The rules here are the same as that derive with
//! the attributes the generator used to give it (renamed fields, optional fields skipped when
//! `None`, unknown keys ignored, repeated and missing keys refused, objects only), but they are
//! written once, as generic functions in `partner_events::__private`, and each type only lists
//! its fields or values.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Catalog, Object, Type};
use crate::naming;

use super::ident;

/// `Serialize`, `Deserialize` and `FromMap` for a struct with `object`'s fields.
pub(super) fn struct_impls(
    name: &Ident,
    object: &Object,
    catalog: &Catalog,
    rt: &TokenStream,
) -> TokenStream {
    let p = quote!(#rt::__private);
    let fields: Vec<_> = object
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            (
                field,
                ident(&naming::field_name(&field.wire_name)),
                format_ident!("__{index}"),
            )
        })
        .collect();
    let required_count = fields.iter().filter(|(f, ..)| !f.optional).count();
    let optional = fields
        .iter()
        .filter(|(f, ..)| f.optional)
        .map(|(_, f, _)| f);
    let writes = fields.iter().map(|(field, rust, _)| {
        let wire = &field.wire_name;
        if field.optional {
            quote!(__p::write_optional(&mut __s, #wire, &self.#rust)?;)
        } else {
            quote!(__p::write(&mut __s, #wire, &self.#rust)?;)
        }
    });
    let slots = fields.iter().map(|(_, _, slot)| slot);
    let arms = fields.iter().map(|(field, _, slot)| {
        let wire = &field.wire_name;
        // the slot holds the field's type without its optional `Option`
        let reader = reader(catalog, &field.ty).map(|inner| match field.nullable {
            true => quote!(__p::Opt<#inner>),
            false => inner,
        });
        match reader {
            Some(reader) => {
                quote!(#wire => __p::field_with::<#reader, _, _>(&mut __m, &mut #slot, #wire)?,)
            }
            None => quote!(#wire => __p::field(&mut __m, &mut #slot, #wire)?,),
        }
    });
    // The slots' types are inferred from the fields they fill: `Option<T>` for a field of type
    // `T` (required) or `Option<T>` (optional: absent stays `None`).
    let values = fields.iter().map(|(field, rust, slot)| {
        let wire = &field.wire_name;
        if field.optional {
            quote!(#rust: #slot,)
        } else {
            quote!(#rust: __p::required(#slot, #wire)?,)
        }
    });
    let type_name = name.to_string();
    let expecting = format!("struct {type_name}");
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::serde::Serialize for #name {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #p::serde::Serializer,
            {
                use #p as __p;
                let mut __s = __p::serialize_struct(
                    __serializer,
                    #type_name,
                    #required_count,
                    &[#(self.#optional.is_some()),*],
                )?;
                #(#writes)*
                __p::serde::ser::SerializeStruct::end(__s)
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl<'de> #p::serde::Deserialize<'de> for #name {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: #p::serde::Deserializer<'de>,
            {
                #p::deserialize_struct(__deserializer)
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::FromMap for #name {
            const EXPECTING: &'static str = #expecting;

            fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
            where
                __A: #p::serde::de::MapAccess<'de>,
            {
                use #p as __p;
                #(let mut #slots = ::core::option::Option::None;)*
                while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
                    match &*__k {
                        #(#arms)*
                        _ => __p::skip(&mut __m, &__k)?,
                    }
                }
                ::core::result::Result::Ok(#name { #(#values)* })
            }
        }
    }
}

/// The reader (`partner_events::__private::Read`) of a value of catalog type `ty`, when it is not
/// the type's own `Deserialize`: arrays, maps and unions, which record where inside them a read
/// failed (the `PayloadError` path).
/// The tokens name the readers through `__p`, the alias of `partner_events::__private` in scope
/// where they are used.
fn reader(catalog: &Catalog, ty: &Type) -> Option<TokenStream> {
    let plain = || quote!(__p::Plain);
    match ty {
        Type::Union(_) => Some(quote!(__p::Union)),
        Type::Array(item) => {
            let item = reader(catalog, item).unwrap_or_else(plain);
            Some(quote!(__p::Seq<#item>))
        }
        Type::Map(value) => {
            let value = reader(catalog, value).unwrap_or_else(plain);
            Some(quote!(__p::Map<#value>))
        }
        // a named shape is read as what it names (an alias of an array is an array)
        Type::Named(name) => catalog
            .shapes
            .get(name)
            .and_then(|shape| reader(catalog, &shape.ty)),
        _ => None,
    }
}

/// `Serialize` and `Deserialize` for a string enum (or a literal, an enum of one value): each
/// variant is the string at the same index of `values`; `as_str` is an expression of `self` that
/// gives the variant's string.
pub(super) fn variant_impls(
    name: &Ident,
    values: &[String],
    as_str: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let p = quote!(#rt::__private);
    let variants = values
        .iter()
        .map(|value| ident(&naming::variant_name(value)));
    quote! {
        #[automatically_derived]
        impl #p::serde::Serialize for #name {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #p::serde::Serializer,
            {
                __serializer.serialize_str(#as_str)
            }
        }

        #[automatically_derived]
        impl<'de> #p::serde::Deserialize<'de> for #name {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: #p::serde::Deserializer<'de>,
            {
                #p::deserialize_variant(__deserializer, &[#(#values),*], &[#(#name::#variants),*])
            }
        }
    }
}
