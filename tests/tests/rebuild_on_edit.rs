//! Editing a catalog and running `cargo build` regenerates the types, with no `cargo clean`:
//! a scratch crate is built, its catalog gets a new event (a copied row, renamed) and a changed
//! date, and the next plain `cargo build` sees both. The generated code `include_str!`s the
//! catalog, which is what makes cargo notice the edit.

use std::path::{Path, PathBuf};
use std::process::Command;

const CATALOG: &str = r#"events:
  - name: demo-ping-v1
    direction: received
    status: active
    active: 2025-01-01
    payloads:
      "1.0.0": {fields: {id: string}}
"#;

const MAIN: &str = r#"
mod catalog {
    partner_events::include_catalog!("catalog.yaml");
}

fn main() {
    for entry in catalog::__RECEIVED {
        println!("{} {} active {}", entry.name, entry.version, entry.lifecycle.active);
    }
}
"#;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn run(scratch: &Path) -> String {
    // Dependencies are all in the workspace's lock file and the local registry cache, so the
    // scratch build needs no network. Its own target directory is kept between test runs.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebuild-on-edit-target");
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .current_dir(scratch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "scratch build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn editing_the_catalog_regenerates_the_types_without_cargo_clean() {
    let root = workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebuild-on-edit");
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    let runtime = root.join("runtime");
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-on-edit\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\npartner-events = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    std::fs::write(scratch.join("src/main.rs"), MAIN).unwrap();
    std::fs::write(scratch.join("catalog.yaml"), CATALOG).unwrap();

    assert_eq!(run(&scratch), "demo-ping-v1 1.0.0 active 2025-01-01\n");

    // copy the row, rename it, and change the first row's date
    let pong = CATALOG
        .strip_prefix("events:\n")
        .unwrap()
        .replace("demo-ping-v1", "demo-pong-v1");
    let edited = format!("{}{pong}", CATALOG.replace("2025-01-01", "2025-02-02"));
    std::fs::write(scratch.join("catalog.yaml"), edited).unwrap();

    assert_eq!(
        run(&scratch),
        "demo-ping-v1 1.0.0 active 2025-02-02\ndemo-pong-v1 1.0.0 active 2025-01-01\n"
    );
}
