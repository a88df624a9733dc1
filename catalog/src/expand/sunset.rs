//! The build's as-of date, and what it does to events whose sunset is before it: their type names
//! stop compiling, with a message that says why.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::date::Date;
use crate::docs;
use crate::model::{Catalog, Event};
use crate::naming;

/// The variables a build's as-of date is read from, in order. The system clock is never read.
pub const AS_OF_VARIABLES: [&str; 2] = ["PARTNER_EVENTS_AS_OF", "SOURCE_DATE_EPOCH"];

/// The build's as-of date: `PARTNER_EVENTS_AS_OF` (`YYYY-MM-DD`) if set, else
/// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention), else none.
pub fn as_of_date(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Date>, String> {
    if let Some(text) = lookup(AS_OF_VARIABLES[0]).filter(|t| !t.is_empty()) {
        return Date::parse_iso(text.trim()).map(Some).ok_or_else(|| {
            format!("PARTNER_EVENTS_AS_OF=`{text}` is not a date; write it as YYYY-MM-DD")
        });
    }
    if let Some(text) = lookup(AS_OF_VARIABLES[1]).filter(|t| !t.is_empty()) {
        let seconds: i64 = text.trim().parse().map_err(|_| {
            format!("SOURCE_DATE_EPOCH=`{text}` is not a number of seconds since 1970-01-01")
        })?;
        return Date::from_unix_seconds(seconds)
            .map(Some)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH=`{text}` is out of range"));
    }
    Ok(None)
}

/// The events whose sunset is before `as_of`.
pub fn sunset_events(catalog: &Catalog, as_of: Date) -> impl Iterator<Item = &Event> {
    catalog
        .events
        .iter()
        .filter(move |event| event.sunset.is_some_and(|sunset| sunset < as_of))
}

/// When the build's date is past some events' sunset, their type names must fail to compile
/// where they are used, with a message that says why, while the catalog's own code (the dispatch
/// enums, the decode tables) still compiles. So everything is generated into a hidden module and
/// re-exported with a glob, and each sunset name is shadowed by an alias whose projection through
/// an unimplemented trait is an error only where the alias is used (type aliases are not checked
/// where they are defined).
pub(super) fn sunset_wrapper(catalog: &Catalog, as_of: Date, items: TokenStream) -> TokenStream {
    let mut shadows = TokenStream::new();
    for event in sunset_events(catalog, as_of) {
        let mut names: Vec<String> = event
            .versions
            .iter()
            .map(|v| naming::version_type_name(event, &v.version))
            .collect();
        names.push(naming::event_type_name(&event.name));
        names.dedup();
        let sunset = event.sunset.map(docs::format_date).unwrap_or_default();
        let mut message = format!(
            "`{}` was sunset on {sunset}, before this build's as-of date {}",
            event.name,
            docs::format_date(as_of)
        );
        if let Some(replacement) = &event.replaced_by {
            message.push_str(&format!(
                "; use `{replacement}` (`{}`)",
                naming::event_type_name(replacement)
            ));
        }
        for name in names {
            let alias = ident(&name);
            let marker = ident(&format!("__Sunset{name}"));
            let doc = format!("Sunset: {message}.");
            shadows.extend(quote! {
                #[doc(hidden)]
                #[allow(dead_code)]
                #[diagnostic::on_unimplemented(
                    message = #message,
                    label = "sunset event type",
                    note = "the as-of date comes from PARTNER_EVENTS_AS_OF (YYYY-MM-DD) or SOURCE_DATE_EPOCH"
                )]
                pub trait #marker { type Type; }

                #[doc = #doc]
                #[allow(dead_code)]
                pub type #alias = <() as #marker>::Type;
            });
        }
    }
    if shadows.is_empty() {
        return items;
    }
    quote! {
        #[doc(hidden)]
        pub mod __generated {
            #items
        }
        #[doc(inline)]
        pub use __generated::*;
        #shadows
    }
}
