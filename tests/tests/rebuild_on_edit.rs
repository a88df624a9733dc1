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

#[allow(deprecated)]
fn main() {
    let _named: Option<catalog::DemoPingV1> = None;
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
    let output = build(scratch, None);
    assert!(
        output.status.success(),
        "scratch build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn build(scratch: &Path, as_of: Option<&str>) -> std::process::Output {
    // Dependencies are all in the workspace's lock file and the local registry cache, so the
    // scratch build needs no network. Its own target directory is kept between test runs.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebuild-on-edit-target");
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["run", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("PARTNER_EVENTS_AS_OF")
        .env_remove("SOURCE_DATE_EPOCH")
        .current_dir(scratch);
    if let Some(date) = as_of {
        command.env("PARTNER_EVENTS_AS_OF", date);
    }
    command.output().unwrap()
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

    // Sunset ping; then only the as-of variable changes between builds, and that alone reruns
    // the macro: before the sunset the program builds, after it naming the type is an error.
    let sunset = std::fs::read_to_string(scratch.join("catalog.yaml"))
        .unwrap()
        .replacen(
            "active: 2025-02-02\n",
            "active: 2025-02-02\n    deprecation: 2025-03-01\n    sunset: 2025-06-01\n    replaced_by: demo-pong-v1\n",
            1,
        );
    std::fs::write(scratch.join("catalog.yaml"), sunset).unwrap();
    assert!(build(&scratch, Some("2025-05-01")).status.success());
    let after = build(&scratch, Some("2025-07-01"));
    assert!(!after.status.success());
    let stderr = String::from_utf8_lossy(&after.stderr);
    assert!(
        stderr.contains("`demo-ping-v1` was sunset on 1 June 2025, before this build's as-of date 1 July 2025; use `demo-pong-v1` (`DemoPongV1`)"),
        "{stderr}"
    );
    assert!(
        build(&scratch, None).status.success(),
        "no as-of date, no sunset check"
    );
}
