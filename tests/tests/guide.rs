//! The README and the guide (`docs/`): every relative link leads to a file that exists, and every
//! `#anchor` to a heading of it; every chapter is in the guide's index and runs as doctests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn chapters() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// The text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's anchor of a heading: lower case, spaces to `-`, punctuation other than `-` and `_`
/// dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(path: &Path) -> BTreeSet<String> {
    prose(&std::fs::read_to_string(path).unwrap())
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|heading| anchor(heading.trim_start_matches('#')))
        .collect()
}

/// `(target, anchor)` of every markdown link `[text](target)` that is not a URL.
fn relative_links(text: &str) -> Vec<(String, Option<String>)> {
    let prose = prose(text);
    let mut links = Vec::new();
    let mut rest = prose.as_str();
    while let Some(start) = rest.find("](") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        rest = &rest[end..];
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, fragment) = match target.split_once('#') {
            Some((file, fragment)) => (file.to_owned(), Some(fragment.to_owned())),
            None => (target.to_owned(), None),
        };
        links.push((file, fragment));
    }
    links
}

#[test]
fn every_relative_link_and_anchor_of_the_readme_and_the_guide_resolves() {
    let mut files = vec![root().join("README.md")];
    files.extend(chapters());
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (target, fragment) in relative_links(&text) {
            let path = if target.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(&target)
            };
            checked += 1;
            if !path.exists() {
                broken.push(format!("{}: {target} does not exist", file.display()));
                continue;
            }
            if let Some(fragment) = fragment {
                if path.is_file() && !anchors(&path).contains(&fragment) {
                    broken.push(format!(
                        "{}: {target}#{fragment}: no such heading",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} links");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_chapter_is_in_the_index_and_in_the_doctests() {
    let index = std::fs::read_to_string(root().join("docs/README.md")).unwrap();
    let doctests = std::fs::read_to_string(root().join("tests/src/lib.rs")).unwrap();
    for chapter in chapters() {
        let name = chapter.file_name().unwrap().to_str().unwrap();
        if name != "README.md" {
            assert!(
                index.contains(&format!("]({name})")),
                "{name} is not in docs/README.md"
            );
        }
        assert!(
            doctests.contains(&format!("= \"{name}\"")),
            "{name} is not in tests/src/lib.rs"
        );
    }
}

#[test]
fn the_readme_is_a_front_door() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 300, "README.md has {lines} lines");
    // no section twice
    let headings: Vec<&str> = readme.lines().filter(|l| l.starts_with("## ")).collect();
    let unique: BTreeSet<&&str> = headings.iter().collect();
    assert_eq!(unique.len(), headings.len(), "{headings:?}");
}

#[test]
fn anchors_follow_githubs_rules() {
    assert_eq!(anchor(" How names are formed"), "how-names-are-formed");
    assert_eq!(anchor("decode, route, send"), "decode-route-send");
    assert_eq!(anchor("`#[handler]`"), "handler");
}
