//! The bridge under load, on loopback: 200 concurrent sessions × 1,000 messages each, against the
//! real partner-bridge binary. `partner-bridge-load` checks every message was handled exactly
//! once, in order, in its own session, and reports the server's peak memory; this test holds it
//! to that. Bounded: a fixed count, and the tool gives up after 300 s. No timing is asserted.

use std::process::Command;

#[test]
fn two_hundred_sessions_of_a_thousand_messages_each_lose_nothing() {
    let output = Command::new(env!("CARGO_BIN_EXE_partner-bridge-load"))
        .args(["--server", env!("CARGO_BIN_EXE_partner-bridge")])
        .args([
            "--sessions",
            "200",
            "--messages",
            "1000",
            "--timeout-secs",
            "300",
        ])
        .output()
        .expect("partner-bridge-load runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // the report, for whoever reads the test output
    eprintln!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "the load run failed:\n{stdout}{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .expect("the last line is the JSON report");
    assert_eq!(report["sent"], 200_000);
    assert_eq!(report["handled"], 200_000);
    assert_eq!(report["violations"], 0);
    let peak = report["serverPeakKiB"]
        .as_u64()
        .expect("the server's peak memory was read");
    assert!(peak > 0);
}

#[test]
fn the_load_tool_reports_violations() {
    // against a server that is not there, every session fails: the tool must say so, not pass
    let output = Command::new(env!("CARGO_BIN_EXE_partner-bridge-load"))
        .args([
            "--url",
            "ws://127.0.0.1:9/events",
            "--sessions",
            "3",
            "--messages",
            "5",
        ])
        .output()
        .expect("partner-bridge-load runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(report["handled"], 0);
    assert_eq!(report["violations"], 3);
}

#[test]
fn partner_bridge_refuses_bad_arguments() {
    let bridge = env!("CARGO_BIN_EXE_partner-bridge");
    for (args, message) in [
        (
            &["--port", "http"][..],
            "error: --port `http` is not a port number (0 to 65535)",
        ),
        (
            &["--threads", "0"][..],
            "error: --threads `0` is not a number above 0",
        ),
        (&["--colour"][..], "error: unknown argument `--colour`"),
        (
            &["--bind", "localhost:80"][..],
            "error: --bind `localhost:80` is not an IP address (such as 127.0.0.1 or 0.0.0.0)",
        ),
        (
            &["--allow-origin", "partner.example.com"][..],
            "error: --allow-origin `partner.example.com` is not an origin: give scheme://host[:port], such as https://partner.example.com",
        ),
        (
            &["--allow-origin", "https://partner.example.com:99999"][..],
            "error: --allow-origin `https://partner.example.com:99999` is not an origin",
        ),
        (
            &["--allow-origin", "https://partner.example.com/app"][..],
            "error: --allow-origin `https://partner.example.com/app` is not an origin",
        ),
        (
            &["--max-sessions", "0"][..],
            "error: --max-sessions `0` is not a number above 0",
        ),
        (
            &["--log-format", "xml"][..],
            "error: --log-format `xml` is not text or json",
        ),
        (
            &["--drain-timeout-secs", "soon"][..],
            "error: --drain-timeout-secs `soon` is not a number of seconds",
        ),
    ] {
        let output = Command::new(bridge).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(message), "{stderr}");
        assert!(stderr.contains("usage: partner-bridge"), "{stderr}");
    }
}
