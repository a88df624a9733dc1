//! Proc macros of `partner-events`. Use them through the `partner-events` crate, which re-exports
//! them; all the logic lives in `partner-events-catalog`, so this crate only reads input, calls it,
//! and turns its diagnostics into compile errors.

use std::path::{Path, PathBuf};

use partner_events_catalog::expand::{self, Options};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::LitStr;

/// Generates the types of a catalog file into the current module.
///
/// The path is relative to the directory of the invoking crate's `Cargo.toml`. Every problem in
/// the file becomes its own compile error, pointing at the path literal and saying
/// `file:line:column` in its text. Editing the file reruns the macro.
#[proc_macro]
pub fn include_catalog(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    guarded(|| {
        let path = syn::parse2::<LitStr>(input.into())?;
        Ok(include_catalog_impl(&path))
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

fn include_catalog_impl(path_lit: &LitStr) -> TokenStream {
    let span = path_lit.span();
    let path = match resolve(path_lit) {
        Ok(path) => path,
        Err(error) => return error.to_compile_error(),
    };
    let shown = path_lit.value();
    let absolute = path.to_string_lossy().into_owned();
    // Tracks the file even when it has errors, so fixing it triggers a rebuild.
    let track = quote_spanned!(span=> const _: &str = ::core::include_str!(#absolute););
    let loaded = match partner_events_catalog::load_file(&path) {
        Ok(loaded) => loaded,
        Err(error) => {
            let message = format!("cannot read catalog `{shown}` ({absolute}): {error}");
            return syn::Error::new(span, message).to_compile_error();
        }
    };
    let Some(catalog) = loaded.catalog else {
        let mut errors = TokenStream::new();
        for diagnostic in loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == partner_events_catalog::Severity::Error)
        {
            let message = diagnostic.display_with_path(&shown).to_string();
            errors.extend(syn::Error::new(span, message).to_compile_error());
        }
        return quote!(#track #errors);
    };
    let options = Options {
        runtime: quote!(::partner_events),
        track_path: Some(absolute),
    };
    expand::expand(&catalog, &options)
}
