//! What the command-line tool's test files share: the repository root, and the tool run from it.

// each test file is its own crate and uses what it needs of this module
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, where `catalog.yaml` is.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `partner-events ARGS` from the repository root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_partner-events"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}
