//! Proc macros of `partner-events`. Use them through the `partner-events` crate, which re-exports
//! them; all the logic lives in `partner-events-catalog`, so this crate only reads input, loads
//! the catalog, calls the library, and turns its diagnostics into compile errors.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use partner_events_catalog::expand::{self, Options};
use partner_events_catalog::{Catalog, Severity};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::LitStr;

/// The repository's catalog, the one `partner_events::events` is generated from. It is compiled
/// into this crate, so editing it rebuilds this crate and every crate that uses its macros.
/// `macros/catalog.yaml` is a link to the repository root's, so that the file people edit is one
/// and a copy of it travels inside this crate's package.
const BUILT_IN_CATALOG: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog.yaml"));

/// Generates the types of a catalog file into the current module.
///
/// The path is relative to the directory of the invoking crate's `Cargo.toml`. Every problem in
/// the file becomes its own compile error, pointing at the path literal and saying
/// `file:line:column` in its text. Editing the file, or changing `PARTNER_EVENTS_AS_OF` or
/// `SOURCE_DATE_EPOCH`, reruns the macro.
#[proc_macro]
pub fn include_catalog(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    guarded(|| {
        let path = syn::parse2::<LitStr>(input.into())?;
        Ok(include_catalog_impl(&path))
    })
}

/// Routes SDK messages to the methods of an impl block, one method per received event.
///
/// ```text
/// #[partner_events::handler]
/// impl MyApp {
///     fn on_hold(&mut self, event: AwInteractionHoldV1) { /* ... */ }
///     fn fallback(&mut self, unhandled: partner_events::Unhandled) { /* ... */ }
/// }
/// // my_app.handle(json)
/// ```
///
/// `#[handler(exhaustive)]` requires a method for every active received event. A partner-owned
/// catalog: `#[handler(catalog = "my-catalog.yaml", events = crate::my_events)]`.
#[proc_macro_attribute]
pub fn handler(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    guarded(|| {
        let args: partner_events_catalog::handler::HandlerArgs = syn::parse(args)?;
        let item: TokenStream = item.into();
        let (catalog, events) = match (&args.catalog, &args.events) {
            (Some(path), Some(events)) => match load_for_macro(path) {
                Ok((catalog, _)) => (std::borrow::Cow::Owned(catalog), events.clone()),
                Err(errors) => return Ok(quote!(#errors #item)),
            },
            _ => match built_in_catalog() {
                Ok(catalog) => (
                    std::borrow::Cow::Borrowed(catalog),
                    syn::parse_quote!(::partner_events::events),
                ),
                Err(message) => return Err(syn::Error::new(Span::call_site(), message)),
            },
        };
        Ok(partner_events_catalog::handler::expand(
            &args, item, &catalog, &events,
        ))
    })
}

/// Checks a partner's own payload struct against the catalog and implements the runtime traits.
///
/// ```text
/// #[derive(serde::Serialize, partner_events::Event)]
/// #[event(name = "aw-chat-message-received-v1", version = "1.0.0")]
/// #[serde(rename_all = "camelCase")]
/// struct Reply<'a> { interaction_id: &'a str, message: &'a str, schema_version: &'a str }
/// ```
///
/// `#[event(..., allow_extra_fields)]` accepts fields the schema lacks; `#[event(..., catalog =
/// "my-catalog.yaml")]` checks against a partner-owned catalog.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    guarded(|| {
        let input: syn::DeriveInput = syn::parse(input)?;
        match partner_events_catalog::derive::catalog_path(&input) {
            Some(path) => match load_for_macro(&path) {
                Ok((catalog, track)) => {
                    let absolute = resolve(&path)?.to_string_lossy().into_owned();
                    let source = quote!(::core::include_str!(#absolute));
                    let expanded =
                        partner_events_catalog::derive::expand(&input, &catalog, &source);
                    Ok(quote!(#track #expanded))
                }
                Err(errors) => Ok(errors),
            },
            None => {
                let catalog = built_in_catalog()
                    .map_err(|message| syn::Error::new(Span::call_site(), message))?;
                let source = quote!(::partner_events::events::__CATALOG_SOURCE);
                Ok(partner_events_catalog::derive::expand(
                    &input, catalog, &source,
                ))
            }
        }
    })
}

/// Turns a panic into a compile error: a panicking proc macro is a bug in this crate, but the user
/// should still get a message that says so and where, not rustc's "proc macro panicked".
fn guarded(body: impl FnOnce() -> syn::Result<TokenStream>) -> proc_macro::TokenStream {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    match result {
        Ok(Ok(tokens)) => tokens.into(),
        Ok(Err(error)) => error.to_compile_error().into(),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let message =
                format!("internal error in partner-events-macros ({detail}); please report it");
            quote!(::core::compile_error!(#message);).into()
        }
    }
}

fn built_in_catalog() -> Result<&'static Catalog, String> {
    static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let loaded = partner_events_catalog::load_str(BUILT_IN_CATALOG);
            loaded.catalog.ok_or_else(|| {
                let errors: Vec<String> = loaded
                    .diagnostics
                    .iter()
                    .map(|d| d.display_with_path("catalog.yaml").to_string())
                    .collect();
                format!("the built-in catalog has errors:\n{}", errors.join("\n"))
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Resolves a catalog path as sqlx does: relative to `CARGO_MANIFEST_DIR`, never absolute, so a
/// build does not depend on where the checkout lives.
fn resolve(path: &LitStr) -> Result<PathBuf, syn::Error> {
    let relative = PathBuf::from(path.value());
    if relative.is_absolute() {
        return Err(syn::Error::new(
            path.span(),
            "catalog paths are relative to the crate's Cargo.toml directory; write a relative path",
        ));
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
        syn::Error::new(
            path.span(),
            "CARGO_MANIFEST_DIR is not set; build with cargo",
        )
    })?;
    Ok(Path::new(&manifest_dir).join(relative))
}

/// Loads a catalog file for a macro: the catalog and the tokens that make cargo track the file,
/// or every diagnostic as a compile error at the path literal (with the tracking tokens, so that
/// fixing the file triggers a rebuild).
fn load_for_macro(path_lit: &LitStr) -> Result<(Catalog, TokenStream), TokenStream> {
    let span = path_lit.span();
    let path = resolve(path_lit).map_err(|error| error.to_compile_error())?;
    let shown = path_lit.value();
    let absolute = path.to_string_lossy().into_owned();
    let track = quote_spanned!(span=> const _: &str = ::core::include_str!(#absolute););
    let loaded = partner_events_catalog::load_file(&path).map_err(|error| {
        let message = format!("cannot read catalog `{shown}` ({absolute}): {error}");
        syn::Error::new(span, message).to_compile_error()
    })?;
    match loaded.catalog {
        Some(catalog) => Ok((catalog, track)),
        None => {
            let errors = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| {
                    syn::Error::new(span, d.display_with_path(&shown).to_string())
                        .to_compile_error()
                });
            Err(quote!(#track #(#errors)*))
        }
    }
}

fn include_catalog_impl(path_lit: &LitStr) -> TokenStream {
    let (catalog, _) = match load_for_macro(path_lit) {
        Ok(loaded) => loaded,
        Err(errors) => return errors,
    };
    let as_of = match expand::as_of_date(|name| std::env::var(name).ok()) {
        Ok(as_of) => as_of,
        Err(message) => return syn::Error::new(path_lit.span(), message).to_compile_error(),
    };
    let absolute = resolve(path_lit)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = Options {
        runtime: quote!(::partner_events),
        track_path: Some(absolute),
        as_of,
        track_env: expand::AS_OF_VARIABLES
            .iter()
            .map(|v| (*v).to_owned())
            .collect(),
    };
    expand::expand(&catalog, &options)
}
