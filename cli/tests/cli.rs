//! The command-line tool's output and exit status, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{root, run};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The cells of every markdown table row, trimmed, with the table's heading above it.
/// What `partner-events decode -` reports for one line on its standard input.
fn decode_report(line: &str) -> serde_json::Value {
    let decoded = Command::new(env!("CARGO_BIN_EXE_partner-events"))
        .args(["decode", "-"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(line.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    serde_json::from_slice(&decoded.stdout).unwrap()
}

fn table_cells(page: &str) -> Vec<(String, Vec<String>)> {
    let mut heading = String::new();
    let mut rows = Vec::new();
    for line in page.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            heading = h.to_owned();
        } else if line.starts_with('|') && !line.starts_with("|-") {
            let cells = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            rows.push((heading.clone(), cells));
        }
    }
    rows
}

#[test]
fn docs_reproduces_the_documentation_tables_cell_for_cell() {
    let output = run(&["docs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = stdout(&output);
    let documented = std::fs::read_to_string(root().join("tests/fixtures/events.md")).unwrap();
    let ours = table_cells(&page);
    let theirs = table_cells(&documented);
    assert_eq!(theirs.len(), 2 + 32 + 2, "header rows plus 34 events");
    for (i, (mine, doc)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(mine, doc, "row {i}");
    }
    assert_eq!(ours.len(), theirs.len());
    // and, as it happens, the whole page is the same to the byte
    assert_eq!(page, documented);
}

#[test]
fn check_passes_the_repository_catalog() {
    let output = run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "catalog.yaml: ok, 34 events, 0 warning(s)\n"
    );
}

#[test]
fn check_reports_every_problem_as_path_line_column_and_exits_1() {
    let bad = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-catalog.yaml");
    std::fs::write(
        &bad,
        "shapes:\n  Unused: {enum: [a]}\nevents:\n  - name: demo-ping-v1\n    direction: received\n    status: actve\n    active: 2025-01-01\n    sunset: 2026-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: strin}}\n",
    )
    .unwrap();
    let path = bad.to_str().unwrap();
    let output = run(&["check", "--catalog", path, "--format", "short"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "{path}:2:3: warning: shape `Unused` is never used\n\
             {path}:6:13: event `demo-ping-v1`: unknown status `actve`; did you mean `active`?\n\
             {path}:8:5: event `demo-ping-v1`: a sunset date needs a deprecation date; add `deprecation: YYYY-MM-DD` before the sunset\n\
             {path}:10:30: event `demo-ping-v1`: unknown type `strin`; did you mean `string`?\n\
             {path}: 3 error(s), 1 warning(s)\n"
        )
    );
}

#[test]
fn a_missing_catalog_is_exit_2_for_check_and_docs() {
    for command in ["check", "docs"] {
        let output = run(&[command, "--catalog", "does/not/exist.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).starts_with("error: cannot read catalog `does/not/exist.yaml`: "),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn bad_arguments_are_refused_with_usage() {
    let output = run(&["check", "--catlog", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unexpected argument '--catlog'"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("tip: a similar argument exists: '--catalog'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn decode_reports_one_json_object_per_line_and_never_crashes_on_bad_lines() {
    let output = run(&[
        "decode",
        "examples/sample-messages.jsonl",
        "--as-of",
        "2026-11-25",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let outcomes: Vec<&str> = reports
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "ok",
            "ok",
            "ok",
            "ok",
            "ok",
            "newer_compatible",
            "unknown_event",
            "unknown_version",
            "not_event",
            "not_event",
            "invalid",
            "invalid"
        ]
    );
    for (i, report) in reports.iter().enumerate() {
        assert_eq!(report["line"], i + 1);
    }
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[2],
        r#"{"line":3,"outcome":"ok","event":"aw-interaction-focus-v1","schema_version":"1.0.0","type":"AwInteractionFocusV1","lifecycle":{"replaced_by":"aw-interaction-focus-v2","status":"deprecated","sunset":"2026-12-08"},"error":null}"#
    );
    assert_eq!(
        lines[5],
        r#"{"line":6,"outcome":"newer_compatible","event":"aw-interaction-mute-v1","schema_version":"1.3.0","type":"AwInteractionMuteV1","lifecycle":{"status":"active"},"error":null}"#
    );
    assert_eq!(
        lines[10],
        r#"{"line":11,"outcome":"invalid","event":"aw-chat-message-sent-v1","schema_version":"1.0.0","type":null,"lifecycle":null,"error":"`aw-chat-message-sent-v1` 1.0.0 payload refused at `message.timestamp`: invalid type: string \"late\", expected a JSON number"}"#
    );
    assert_eq!(
        lines[11],
        r#"{"line":12,"outcome":"invalid","event":null,"schema_version":null,"type":null,"lifecycle":null,"error":"not JSON: expected ident at line 1 column 2"}"#
    );
}

#[test]
fn decode_reads_standard_input_and_applies_the_sunset_policy() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_partner-events"))
        .args(["decode", "-", "--as-of", "2027-01-01", "--sunset", "reject"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"type\":\"event\",\"message\":{\"eventName\":\"aw-interaction-focus-v1\",\"value\":{\"interactionId\":\"i\",\"schemaVersion\":\"1.0.0\"}}}\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "{\"line\":1,\"outcome\":\"invalid\",\"event\":\"aw-interaction-focus-v1\",\"schema_version\":null,\"type\":null,\"lifecycle\":null,\"error\":\"`aw-interaction-focus-v1` was sunset on 2026-12-08; use `aw-interaction-focus-v2`\"}\n"
    );
}

#[test]
fn decode_fails_only_when_the_input_cannot_be_read() {
    let output = run(&["decode", "no/such/messages.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: cannot read `no/such/messages.jsonl`: "));
    let output = run(&["decode", "--sunset", "sometimes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`sometimes` is not a sunset policy; use accept, flag or reject")
    );
}

#[test]
fn the_example_partner_app_handles_the_bundled_messages() {
    let output = Command::new(env!("CARGO_BIN_EXE_partner-app"))
        .args(["--as-of", "2026-11-25"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "interaction int-42 is on hold\n",
        "  note: aw-interaction-focus-v1 is deprecated; it sunsets on 2026-12-08; use aw-interaction-focus-v2\n",
        "unknown event aw-interaction-transfer-v1, passed through intact: {\"interactionId\":\"int-42\",\"target\":{\"queue\":\"billing\"},\"schemaVersion\":\"1.0.0\"}\n",
        "interaction int-42 muted (sent as schema 1.3.0, read as 1.0.0)\n",
        "would post: {\"type\":\"request\",\"message\":{\"action\":\"sendEvent\",\"namespace\":\"system\",\"value\":{\"name\":\"aw-chat-message-received-v1\",\"data\":{\"interactionId\":\"int-7\",\"message\":\"Your order ships tomorrow.\",\"schemaVersion\":\"1.0.0\"}}}}\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(text.lines().count(), 17, "{text}");
}

const BAD: &str = "shapes:\n  Unused: {enum: [a]}\nevents:\n  - name: demo-ping-v1\n    direction: received\n    status: actve\n    active: 2025-01-01\n    sunsett: 2026-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: strin}}\n";

fn write_temp(name: &str, text: &str) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn check_prints_compiler_style_diagnostics_with_the_source_line_underlined() {
    let path = write_temp("bad-rich.yaml", BAD);
    let output = run(&["check", "--catalog", &path]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "warning: shape `Unused` is never used\n  ┌─ {path}:2:3\n  │\n2 │   Unused: {{enum: [a]}}\n  │   ^^^^^^\n\n\
         error: event `demo-ping-v1`: unknown status `actve`\n  ┌─ {path}:6:13\n  │\n6 │     status: actve\n  │             ^^^^^\n  │\n  = help: did you mean `active`?\n\n\
         error: event `demo-ping-v1`: unknown key `sunsett` in an event\n  ┌─ {path}:8:5\n  │\n8 │     sunsett: 2026-01-01\n  │     ^^^^^^^\n  │\n  = help: did you mean `sunset`?\n\n\
         error: event `demo-ping-v1`: unknown type `strin`\n   ┌─ {path}:10:30\n   │\n10 │       \"1.0.0\": {{fields: {{id: strin}}}}\n   │                              ^^^^^\n   │\n   = help: did you mean `string`?\n\n\
         {path}: 3 error(s), 1 warning(s)\n"
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn unreadable_yaml_is_a_diagnostic_and_a_directory_is_unreadable() {
    let path = write_temp("broken.yaml", "events: [\n");
    let output = run(&["check", "--catalog", &path, "--format", "short"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!("{path}:2:1: YAML syntax: ")),
        "{}",
        stderr(&output)
    );
    let output = run(&["check", "--catalog", "tests"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn schema_prints_one_event_or_all_with_the_envelope() {
    let output = run(&["schema", "aw-interaction-hold-v1"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["interactionId", "schemaVersion"])
    );
    assert_eq!(
        schema["properties"]["schemaVersion"],
        serde_json::json!({"const": "1.0.0"})
    );

    let output = run(&["schema", "aw-chat-init-v1", "--version", "1.0.0"]);
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        schema["properties"]["messages"]["items"]["$ref"],
        "#/$defs/ChatMessage"
    );
    assert!(
        schema["$defs"]["ChatAttachmentMeta"].is_object(),
        "self-contained"
    );

    let output = run(&["schema"]);
    let all: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(all["events"].as_object().unwrap().len(), 34);
    assert!(
        all["events"]["aw-interaction-focus-v2"]["2.0.0"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Payload not yet documented")
    );
    assert_eq!(
        all["envelope"]["required"],
        serde_json::json!(["type", "message"])
    );

    refuses_an_unknown_event_or_version_with_exit_2("schema");
}

/// `schema` and `sample` choose an event and a version the same way.
fn refuses_an_unknown_event_or_version_with_exit_2(command: &str) {
    let output = run(&[command, "aw-interaction-hodl-v1"]);
    assert_eq!(output.status.code(), Some(2), "{command}");
    assert_eq!(
        stderr(&output),
        "error: `aw-interaction-hodl-v1` is not an event of the catalog; did you mean `aw-interaction-hold-v1`?\n"
    );
    let output = run(&[command, "aw-interaction-hold-v1", "--version", "2.0.0"]);
    assert_eq!(output.status.code(), Some(2), "{command}");
    assert_eq!(
        stderr(&output),
        "error: `aw-interaction-hold-v1` has no schema version `2.0.0`; the catalog lists 1.0.0\n"
    );
}

#[test]
fn lifecycle_shows_each_event_on_a_date_and_marks_sunsets_within_30_days() {
    let output = run(&["lifecycle", "--as-of", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("Lifecycle on 2026-11-25\n"));
    let focus = text
        .lines()
        .find(|l| l.contains("aw-interaction-focus-v1"))
        .unwrap();
    assert!(focus.contains("| deprecated |"), "{focus}");
    assert!(
        focus.contains("13 day(s) left to sunset on 2026-12-08; use aw-interaction-focus-v2"),
        "{focus}"
    );
    assert!(focus.contains("SUNSET SOON"), "{focus}");

    let output = run(&["lifecycle", "--as-of", "2027-01-01", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let focus = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "aw-interaction-focus-v1")
        .unwrap();
    assert_eq!(focus["status"], "sunset");
    assert_eq!(focus["sunset_within_30_days"], false);
    let output = run(&["lifecycle", "--as-of", "2025-01-01", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["events"][0]["status"], "not_yet_active");

    let output = run(&["lifecycle", "--as-of", "tomorrow"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`tomorrow` is not a date; write it as YYYY-MM-DD"));
}

const OLD: &str = "shapes:\n  Kind: {enum: [a, b]}\nevents:\n  - name: demo-ping-v1\n    direction: received\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\":\n        fields:\n          id: string\n          note: {type: string, optional: true}\n          kind: Kind\n          media: {literal: phone}\n          gone: string\n          size: number\n  - name: demo-old-v1\n    direction: received\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: string}}\n";

#[test]
fn diff_reports_changes_and_exits_1_on_breaking_ones() {
    let old = write_temp("old.yaml", OLD);
    let same = run(&["diff", &old, &old]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "no changes\n");

    let new_text = OLD
        .replace("note: {type: string, optional: true}", "note: string")
        .replace("Kind: {enum: [a, b]}", "Kind: {enum: [a, c]}")
        .replace("media: {literal: phone}", "media: {literal: voice}")
        .replace("          gone: string\n", "")
        .replace("size: number", "size: string")
        .replace("    active: 2025-01-01\n    payloads:\n      \"1.0.0\":\n", "    active: 2025-01-01\n    deprecation: 2025-06-01\n    payloads:\n      \"1.0.0\":\n")
        .replace("  - name: demo-old-v1\n    direction: received\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: string}}\n", "");
    let new = write_temp("new.yaml", &(new_text + "  - name: demo-new-v1\n    direction: send\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: string}}\n"));
    let output = run(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "demo-ping-v1: deprecation date none → 1 June 2025\n\
         BREAKING demo-ping-v1 1.0.0 `note`: optional → required\n\
         BREAKING demo-ping-v1 1.0.0 `kind`: enum value \"b\" removed\n\
         demo-ping-v1 1.0.0 `kind`: enum value \"c\" added\n\
         BREAKING demo-ping-v1 1.0.0 `media`: literal \"phone\" → \"voice\"\n\
         BREAKING demo-ping-v1 1.0.0 `gone`: field removed\n\
         BREAKING demo-ping-v1 1.0.0 `size`: type number → string\n\
         demo-new-v1: event added\n\
         BREAKING demo-old-v1: event removed without a sunset date\n\
         9 change(s), 6 breaking\n"
    );

    // a new minor version that only adds an optional field is not breaking
    let minor = write_temp("minor.yaml", &OLD.replace("      \"1.0.0\": {fields: {id: string}}\n", "      \"1.0.0\": {fields: {id: string}}\n      \"1.1.0\": {fields: {id: string, extra: {type: string, optional: true}}}\n"));
    let output = run(&["diff", &old, &minor]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        stdout(&output),
        "demo-old-v1 1.1.0: schema version added\ndemo-old-v1 1.1.0 `extra`: optional field added\n2 change(s), 0 breaking\n"
    );

    let output = run(&["diff", &old, "no/such.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["diff", &old]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("required arguments were not provided"));
}

#[test]
fn every_command_has_help() {
    for command in ["check", "docs", "decode", "schema", "lifecycle", "diff"] {
        let output = run(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        assert!(
            stdout(&output).contains("Usage: partner-events"),
            "{command}"
        );
    }
}

#[test]
fn sample_prints_sdk_event_messages_as_json_lines() {
    let full = run(&["sample", "aw-chat-init-v1"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let line = stdout(&full);
    assert_eq!(line.lines().count(), 1);
    assert!(
        line.starts_with(r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-chat-init-v1","value":{"interactionId":"interaction-1","messages":[{"#),
        "{line}"
    );
    // what sample prints, decode reads as the event it is
    let report = decode_report(&line);
    assert_eq!(report["outcome"], "ok", "{report}");

    let minimal = stdout(&run(&["sample", "aw-chat-init-v1", "--minimal"]));
    assert_eq!(
        minimal,
        "{\"type\":\"event\",\"schemaVersion\":\"1.0.0\",\"message\":{\"eventName\":\"aw-chat-init-v1\",\"value\":{\"interactionId\":\"interaction-1\",\"messages\":[],\"schemaVersion\":\"1.0.0\"}}}\n"
    );
}

#[test]
fn sample_of_a_send_event_prints_the_request_the_partners_sdk_posts() {
    let minimal = stdout(&run(&[
        "sample",
        "aw-chat-message-received-v1",
        "--minimal",
    ]));
    assert_eq!(
        minimal,
        "{\"type\":\"request\",\"message\":{\"action\":\"sendEvent\",\"namespace\":\"system\",\"value\":{\"name\":\"aw-chat-message-received-v1\",\"data\":{\"interactionId\":\"interaction-1\",\"message\":\"Hello, I need help with my order.\",\"schemaVersion\":\"1.0.0\"}}}}\n"
    );
    // exactly what the runtime's send_request writes for the same payload
    let request: serde_json::Value = serde_json::from_str(&minimal).unwrap();
    let reply: partner_events::events::AwChatMessageReceivedV1 =
        serde_json::from_value(request["message"]["value"]["data"].clone()).unwrap();
    assert_eq!(
        partner_events::send_request(&reply).unwrap(),
        minimal.trim_end()
    );
    // and decode does not take it for a host event
    let report = decode_report(&minimal);
    assert_eq!(report["outcome"], "not_event", "{report}");
    for seeded in stdout(&run(&[
        "sample",
        "aw-chat-message-received-v1",
        "--count",
        "3",
    ]))
    .lines()
    {
        assert!(
            seeded.starts_with(r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"#),
            "{seeded}"
        );
    }
}

#[test]
fn sample_with_a_seed_is_repeatable() {
    let first = stdout(&run(&[
        "sample",
        "aw-chat-init-v1",
        "--count",
        "5",
        "--seed",
        "7",
    ]));
    let again = stdout(&run(&[
        "sample",
        "aw-chat-init-v1",
        "--count",
        "5",
        "--seed",
        "7",
    ]));
    let other = stdout(&run(&[
        "sample",
        "aw-chat-init-v1",
        "--count",
        "5",
        "--seed",
        "8",
    ]));
    assert_eq!(first.lines().count(), 5);
    assert_eq!(first, again);
    assert_ne!(first, other);
}

#[test]
fn sample_refuses_an_unknown_event_or_version_with_exit_2() {
    refuses_an_unknown_event_or_version_with_exit_2("sample");
}
