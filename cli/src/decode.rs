//! `decode [FILE|-]`: SDK messages, one per line, in; one JSON report per line out.

use std::io::{BufRead, Write};

use partner_events::{
    CatalogDate, DecodeError, Decoder, LifecycleStatus, Message, Outcome, SunsetPolicy,
    VersionMatch,
};
use serde::Serialize;
use serde_json::{json, Value};

/// One output line, keys in the documented order.
#[derive(Serialize, Default)]
struct Report {
    line: usize,
    outcome: &'static str,
    event: Option<String>,
    schema_version: Option<String>,
    #[serde(rename = "type")]
    type_name: Option<&'static str>,
    lifecycle: Option<Value>,
    error: Option<String>,
    /// The envelope's `type`, for messages that are not events.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

/// Decodes every line of `input`, writing one report per line to `output`. Fails only when the
/// input cannot be read (or the output written).
pub fn decode_lines(
    decoder: &Decoder,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    for (index, line) in input.split(b'\n').enumerate() {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let report = report(index + 1, decoder.decode_slice(&line));
        writeln!(output, "{report}")?;
    }
    output.flush()
}

fn lifecycle_json(status: LifecycleStatus, past_sunset: bool) -> Value {
    let date = |d: CatalogDate| Value::String(d.to_string());
    let mut json = json!({"status": status.as_str()});
    match status {
        LifecycleStatus::NotYetActive { active } => json["active"] = date(active),
        LifecycleStatus::Deprecated {
            sunset,
            replaced_by,
        } => {
            json["sunset"] = sunset.map_or(Value::Null, date);
            json["replaced_by"] = json!(replaced_by);
        }
        LifecycleStatus::Sunset {
            sunset,
            replaced_by,
        } => {
            json["sunset"] = date(sunset);
            json["replaced_by"] = json!(replaced_by);
            json["flagged"] = json!(past_sunset);
        }
        _ => {}
    }
    json
}

fn report(
    line: usize,
    decoded: Result<Message<partner_events::events::Received>, DecodeError>,
) -> String {
    let mut report = Report {
        line,
        outcome: Outcome::of(&decoded).as_str(),
        ..Report::default()
    };
    match decoded {
        Ok(Message::Event(event)) => {
            let version = match event.version {
                VersionMatch::Exact => event.event.schema_version(),
                VersionMatch::NewerCompatible { sent } => sent,
            };
            report.event = Some(event.event.event_name().to_owned());
            report.schema_version = Some(version.to_string());
            report.type_name = Some(event.event.type_name());
            report.lifecycle = Some(lifecycle_json(event.lifecycle, event.past_sunset));
        }
        Ok(Message::UnknownEvent {
            name,
            schema_version,
            ..
        }) => {
            report.event = Some(name);
            report.schema_version = schema_version;
        }
        Ok(Message::UnknownVersion {
            name,
            schema_version,
            ..
        }) => {
            report.event = Some(name);
            report.schema_version = Some(schema_version);
        }
        Ok(Message::NotEvent(non_event)) => {
            report.kind = Some(non_event.kind);
        }
        // a kind of message this tool does not know yet: its outcome word only
        Ok(_) => {}
        Err(error) => {
            match &error {
                DecodeError::InvalidPayload {
                    event,
                    schema_version,
                    ..
                } => {
                    report.event = Some(event.clone());
                    report.schema_version = Some(schema_version.clone());
                }
                DecodeError::Sunset { event, .. } => report.event = Some(event.clone()),
                _ => {}
            }
            report.error = Some(error.to_string());
        }
    }
    serde_json::to_string(&report).expect("a report always serializes")
}

/// Parses `accept`, `flag` or `reject`.
pub fn parse_sunset_policy(text: &str) -> Result<SunsetPolicy, String> {
    match text {
        "accept" => Ok(SunsetPolicy::Accept),
        "flag" => Ok(SunsetPolicy::Flag),
        "reject" => Ok(SunsetPolicy::Reject),
        other => Err(format!(
            "`{other}` is not a sunset policy; use accept, flag or reject"
        )),
    }
}

/// Parses an ISO date, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<CatalogDate, String> {
    CatalogDate::parse(text)
        .ok_or_else(|| format!("`{text}` is not a date; write it as YYYY-MM-DD"))
}
