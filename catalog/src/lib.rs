//! The partner-events catalog as a library: its model, loading and validation, and everything
//! generated from it (Rust code, the documentation page).
//!
//! The proc macros in `partner-events-macros` and the `partner-events` command-line tool are thin
//! layers over this crate, so that every rule and every message exists once.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
//!
//! # What is public
//!
//! The semver surface is small: the model ([`model`], [`Catalog`]), loading and its diagnostics
//! ([`load_file`], [`load_str`], [`Loaded`], [`Diagnostic`]), [`Date`], and the generators a
//! partner's build or tool may call (`docs`, and with features, `sample`, `schema`,
//! `typescript`, `asyncapi`). The code generator behind the macros (`expand`, `derive`,
//! `handler`, `layout`) and the catalog diff are public only because `partner-events-macros`
//! and the command-line tool, separate crates, call them: they are hidden from the docs and may
//! change in any release. The readers (`load`'s steps, `yaml`, `naming`, `date`) are private, and
//! so is `envelope`, the SDK envelope the generators share: the runtime spells its own copy, which
//! a test holds to this one.

mod date;
pub mod diagnostic;
pub mod docs;
#[cfg(any(feature = "sample", feature = "tooling"))]
mod envelope;
mod load;
pub mod model;
mod naming;
mod yaml;

#[cfg(feature = "tooling")]
pub mod asyncapi;
#[cfg(feature = "sample")]
pub mod sample;
#[cfg(feature = "tooling")]
pub mod schema;
#[cfg(feature = "tooling")]
pub mod typescript;

// For partner-events-macros and the command-line tool only (see above).
#[doc(hidden)]
pub mod derive;
#[cfg(feature = "tooling")]
#[doc(hidden)]
pub mod diff;
#[doc(hidden)]
pub mod expand;
#[doc(hidden)]
pub mod handler;
#[doc(hidden)]
pub mod layout;

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
