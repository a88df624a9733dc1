//! The partner-events catalog as a library: its model, loading and validation, and everything
//! generated from it (Rust code, the documentation page).
//!
//! The proc macros in `partner-events-macros` and the `partner-events` command-line tool are thin
//! layers over this crate, so that every rule and every message exists once.

#![deny(missing_docs)]

#[cfg(feature = "tooling")]
pub mod asyncapi;
pub mod date;
pub mod derive;
pub mod diagnostic;
#[cfg(feature = "tooling")]
pub mod diff;
pub mod docs;
pub mod expand;
pub mod handler;
pub mod layout;
pub mod load;
pub mod model;
pub mod naming;
#[cfg(feature = "sample")]
pub mod sample;
#[cfg(feature = "tooling")]
pub mod schema;
#[cfg(feature = "tooling")]
pub mod typescript;
pub mod yaml;

use std::path::Path;

pub use date::Date;
pub use diagnostic::{Diagnostic, Severity};
pub use load::{load_str, Loaded};
pub use model::Catalog;

/// Reads and validates the catalog file at `path`.
///
/// Fails only when the file cannot be read; everything wrong inside it is in
/// [`Loaded::diagnostics`].
pub fn load_file(path: &Path) -> std::io::Result<Loaded> {
    let source = std::fs::read_to_string(path)?;
    Ok(load_str(&source))
}
