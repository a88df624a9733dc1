//! The pages partner-bridge serves: the host simulator and the bridge partner page, bundled by
//! `web/build.mjs` into `target/web/` (the partner SDK comes from npm, so building them needs
//! Node.js and npm).

use std::path::PathBuf;
use std::process::Command;

/// The repository this binary was built from (its package is `cli/`).
fn repository() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// Where the built pages are.
pub fn dir() -> PathBuf {
    repository().join("target").join("web")
}

/// Installs the npm dependencies once (from the lock file) and bundles the pages.
pub fn build() -> Result<(), String> {
    let root = repository();
    if !root.join("web").join("node_modules").is_dir() {
        println!("partner-bridge: installing the page's npm dependencies (npm ci, once)…");
        run(Command::new("npm")
            .args(["ci", "--prefix", "web", "--no-audit", "--no-fund"])
            .current_dir(&root))?;
    }
    run(Command::new("node").arg("web/build.mjs").current_dir(&root))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{shown} failed ({status})")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "cannot run {shown}: partner-bridge bundles its page with Node.js and npm (the partner SDK comes from npm); install them, or pass --no-pages to serve only /events"
        )),
        Err(error) => Err(format!("cannot run {shown}: {error}")),
    }
}
