//! `typescript` and `asyncapi` as a user runs them: what they write, and what they do with a bad
//! catalog or an output they cannot write.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{root, run};

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&path);
    path
}

const BAD_CATALOG: &str = "events:\n  - name: demo-ping-v1\n    direction: received\n    status: actve\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: strin}}\n";

#[test]
fn a_catalog_with_errors_gets_checks_diagnostics_exit_1_and_no_file() {
    let catalog = temp("generate-bad-catalog.yaml");
    std::fs::write(&catalog, BAD_CATALOG).unwrap();
    let catalog = catalog.to_str().unwrap();
    let check = run(&["check", "--catalog", catalog]);
    let check_stderr = text(&check.stderr);
    // check adds a count after the diagnostics
    let diagnostics = check_stderr
        .strip_suffix(&format!("{catalog}: 2 error(s), 0 warning(s)\n"))
        .expect("check's summary line");
    assert!(
        diagnostics.contains("unknown status `actve`"),
        "{diagnostics}"
    );
    for command in [
        &["typescript"][..],
        &["asyncapi"],
        &["asyncapi", "--format", "json"],
    ] {
        let out = temp("generate-never-written.out");
        let mut args = command.to_vec();
        args.extend(["--catalog", catalog, "--out", out.to_str().unwrap()]);
        let output = run(&args);
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        assert_eq!(text(&output.stderr), diagnostics, "{command:?}");
        assert!(output.stdout.is_empty());
        assert!(!out.exists(), "{command:?} wrote a file");
    }
}

#[test]
fn an_unwritable_out_is_a_clear_message_and_exit_2() {
    for command in ["typescript", "asyncapi"] {
        let output = run(&[command, "--out", "does/not/exist/module.ts"]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            text(&output.stderr).starts_with("error: cannot write `does/not/exist/module.ts`: "),
            "{}",
            text(&output.stderr)
        );
    }
}

#[test]
fn names_typescript_cannot_carry_are_refused_at_their_position() {
    let catalog = temp("generate-names.yaml");
    std::fs::write(
        &catalog,
        "shapes:\n  Map:\n    fields:\n      __proto__: string\nevents:\n  - name: demo-ping-v1\n    direction: received\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {shape: Map}}\n",
    )
    .unwrap();
    let catalog = catalog.to_str().unwrap();
    assert!(
        run(&["check", "--catalog", catalog]).status.success(),
        "Rust takes both names"
    );
    let out = temp("generate-names.ts");
    let output = run(&[
        "typescript",
        "--catalog",
        catalog,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("shape `Map` would take a name the TypeScript module uses for itself"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{catalog}:2:3")), "{stderr}");
    assert!(
        stderr.contains("a `__proto__` field cannot be read or kept by zod"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{catalog}:4:7")), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn the_module_is_deterministic_and_follows_a_partners_catalog() {
    let args = [
        "typescript",
        "--catalog",
        "tests/fixtures/typescript-catalog.yaml",
    ];
    let first = run(&args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(first.stdout, run(&args).stdout);
    let module = text(&first.stdout);
    for expected in [
        "import { z } from \"zod\";",
        // optional (absent only), nullable (present), both
        "  note?: string | null;",
        "  note: exactOptional(z.string().nullable()),",
        "  count: number | null;",
        "  kind: (\"x\" | \"y\") | null;",
        "  kind: z.enum([\"x\", \"y\"]).nullable(),",
        // a union in catalog order, and a map of any JSON
        "z.union([z.string(), z.number(), z.enum([\"on\", \"off\"])])",
        "  extra: z.record(z.string(), JsonValueSchema),",
        // a shape used before its definition in name order comes after what it uses
        "export const ZuluSchema",
        // several versions: a type per version, and the plain name for the newest
        "export interface DemoPingV2Schema2_0_0 {",
        "export type DemoPingV2 = DemoPingV2Schema2_1_0;",
        "\"demo-ping-v2\": DemoPingV2Schema2_0_0 | DemoPingV2Schema2_1_0;",
        "@deprecated Deprecated on 2025-06-01; sunset on 2026-01-01; use `demo-ping-v2`.",
        "export type DemoOpenV1 = unknown;",
        "*\\/ stays inside the comment",
    ] {
        assert!(module.contains(expected), "missing {expected:?}");
    }
    assert!(module.find("export const ZuluSchema") < module.find("export const AlphaSchema"));
    // every optional key through the module's exactOptional: never zod's `.optional()`, which
    // takes a present undefined, nor its `.exactOptional()`, which costs an issue per absent key
    assert!(module.contains("  children: exactOptional(z.array(ZuluSchema)),"));
    assert!(!module
        .lines()
        .any(|line| line.ends_with(".optional(),") || line.ends_with(".exactOptional(),")));
    // no TypeScript enum: the module passes --erasableSyntaxOnly
    assert!(!module
        .lines()
        .any(|line| line.trim_start().starts_with("export enum")));
}

#[test]
fn asyncapi_has_a_message_per_event_version_and_both_operations() {
    let output = run(&[
        "asyncapi",
        "--catalog",
        "tests/fixtures/typescript-catalog.yaml",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["asyncapi"], "3.0.0");
    let messages = document["components"]["messages"].as_object().unwrap();
    let keys: Vec<&str> = messages.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "demo-open-v1_1.0.0",
            "demo-ping-v1_1.0.0",
            "demo-ping-v2_2.0.0",
            "demo-ping-v2_2.1.0",
            "demo-reply-v1_1.0.0"
        ]
    );
    assert_eq!(
        document["operations"]["receiveHostEvents"]["action"],
        "receive"
    );
    assert_eq!(
        document["operations"]["sendPartnerEvents"]["action"],
        "send"
    );
    assert_eq!(
        document["operations"]["sendPartnerEvents"]["messages"],
        serde_json::json!([{"$ref": "#/channels/partnerEvents/messages/demo-reply-v1_1.0.0"}])
    );
    let ping = &messages["demo-ping-v1_1.0.0"];
    assert_eq!(ping["x-sunset"], "2026-01-01");
    assert_eq!(ping["x-replaced-by"], "demo-ping-v2");
    assert_eq!(
        document["components"]["schemas"]["DemoPingV1"]["deprecated"],
        true
    );
    assert_eq!(
        messages["demo-ping-v2_2.0.0"]["x-doc-link"],
        "/docs/demo-ping-v2"
    );
    // the YAML form is the same document
    let yaml = run(&[
        "asyncapi",
        "--catalog",
        "tests/fixtures/typescript-catalog.yaml",
    ]);
    assert!(text(&yaml.stdout).starts_with("---\nasyncapi: 3.0.0\n"));
}

#[test]
fn asyncapi_has_the_nats_backbone_channels_on_the_nats_server_with_nats_bindings() {
    use serde_json::json;
    let output = run(&[
        "asyncapi",
        "--catalog",
        "tests/fixtures/typescript-catalog.yaml",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["servers"]["nats"]["protocol"], "nats");
    assert_eq!(document["servers"]["nats"]["host"], "localhost:4222");
    let nats_server = json!([{"$ref": "#/servers/nats"}]);
    for (channel, address, parameter, operation, action) in [
        (
            "natsPageMessages",
            "partner-events.page.{agent}",
            "agent",
            "receiveNatsPageMessages",
            "receive",
        ),
        (
            "natsSendEvents",
            "partner-events.send.{agent}",
            "agent",
            "receiveNatsSendEvents",
            "receive",
        ),
        (
            "natsEvents",
            "partner-events.events.{event}",
            "event",
            "sendNatsEvents",
            "send",
        ),
    ] {
        let channel_value = &document["channels"][channel];
        assert_eq!(channel_value["address"], address, "{channel}");
        assert_eq!(channel_value["servers"], nats_server, "{channel}");
        assert_eq!(
            channel_value["parameters"],
            json!({parameter: {"$ref": format!("#/components/parameters/{parameter}")}}),
            "{channel}"
        );
        let operation = &document["operations"][operation];
        assert_eq!(operation["action"], action, "{channel}");
        assert_eq!(
            operation["channel"],
            json!({"$ref": format!("#/channels/{channel}")})
        );
        assert_eq!(
            operation["bindings"],
            json!({"nats": {"bindingVersion": "0.1.0"}}),
            "{channel}"
        );
        // the operation's messages are its channel's, all of them
        let keys: Vec<Value> = channel_value["messages"]
            .as_object()
            .unwrap()
            .keys()
            .map(|key| json!({"$ref": format!("#/channels/{channel}/messages/{key}")}))
            .collect();
        assert_eq!(operation["messages"], Value::Array(keys), "{channel}");
    }
    assert!(document["components"]["parameters"]["agent"]["description"]
        .as_str()
        .unwrap()
        .contains("[A-Za-z0-9_-]"));
    // every event a page delivered: the received events' SDK messages, with the NATS headers
    let stored = document["channels"]["natsEvents"]["messages"]
        .as_object()
        .unwrap();
    let keys: Vec<&str> = stored.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "demo-open-v1_1.0.0",
            "demo-ping-v1_1.0.0",
            "demo-ping-v2_2.0.0",
            "demo-ping-v2_2.1.0",
            "otherEvent"
        ]
    );
    assert_eq!(
        stored["demo-ping-v2_2.1.0"]["payload"],
        json!({"$ref": "#/components/messages/demo-ping-v2_2.1.0/payload"})
    );
    for message in stored.values() {
        assert_eq!(
            message["traits"],
            json!([{"$ref": "#/components/messageTraits/natsStoredEvent"}])
        );
    }
    let headers = &document["components"]["messageTraits"]["natsStoredEvent"]["headers"];
    assert_eq!(headers["required"], json!(["Nats-Msg-Id"]));
    assert!(headers["properties"]["Nats-Msg-Id"].is_object());
    assert!(headers["properties"]["Partner-Events-Agent"].is_object());
    // a send event: {name, data}, keyed by the name of each send event of the catalog
    let send = &document["channels"]["natsSendEvents"]["messages"]["sendEvent"]["payload"];
    assert_eq!(send["required"], json!(["name", "data"]));
    assert_eq!(send["additionalProperties"], false);
    assert_eq!(send["properties"]["name"]["enum"], json!(["demo-reply-v1"]));
    assert_eq!(
        send["oneOf"],
        json!([{
            "title": "demo-reply-v1",
            "properties": {
                "name": {"const": "demo-reply-v1"},
                "data": {"$ref": "#/components/schemas/DemoReplyV1"},
            },
        }])
    );
    // the SDK channels are as they were
    assert_eq!(document["channels"]["hostEvents"]["address"], "onMessage");
    assert!(document["channels"]["hostEvents"].get("servers").is_none());
}

#[test]
fn the_committed_page_module_is_current() {
    let output = run(&["typescript"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let committed =
        std::fs::read_to_string(root().join("web/typescript/partner-events.ts")).unwrap();
    assert!(
        text(&output.stdout) == committed,
        "web/typescript/partner-events.ts is stale: cargo run -- typescript --out web/typescript/partner-events.ts"
    );
}
