//! Every command the README and the guide show (`cargo run -- X ...`, `partner-events X ...`) is
//! one the tool has, with the options it shows.

use std::process::Command;

mod common;
use common::root;

/// The commands in `sh` blocks and in inline code: the words after `cargo run --` or
/// `partner-events` up to a pipe, a redirection or a comment.
fn shown_commands(text: &str) -> Vec<Vec<String>> {
    let mut snippets: Vec<&str> = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh {
            snippets.push(line);
        } else {
            // inline code: every other piece between backticks
            snippets.extend(line.split('`').skip(1).step_by(2));
        }
    }
    let mut commands = Vec::new();
    for snippet in snippets {
        for marker in ["cargo run -- ", "partner-events "] {
            if let Some(at) = snippet.find(marker) {
                let words: Vec<String> = snippet[at + marker.len()..]
                    .split_whitespace()
                    .take_while(|w| !["|", ">", "#", "&&"].contains(w))
                    .map(str::to_owned)
                    .collect();
                if words
                    .first()
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_lowercase()))
                {
                    commands.push(words);
                }
            }
        }
    }
    commands
}

#[test]
fn every_command_shown_in_the_docs_exists_with_its_options() {
    let mut files = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        files.push(entry.unwrap().path());
    }
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for words in shown_commands(&text) {
            let subcommand = &words[0];
            let help = Command::new(env!("CARGO_BIN_EXE_partner-events"))
                .args([subcommand.as_str(), "--help"])
                .output()
                .unwrap();
            assert!(
                help.status.success(),
                "{}: `{}` is not a command",
                file.display(),
                words.join(" ")
            );
            let text = String::from_utf8_lossy(&help.stdout);
            for option in words.iter().filter(|w| w.starts_with("--")) {
                let option = option.split('=').next().unwrap();
                assert!(
                    text.contains(option),
                    "{}: `{subcommand}` has no {option}",
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} commands checked");
}
