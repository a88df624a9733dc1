//! An addressed message, read and checked once: what a page gets, or why it gets nothing.

use partner_events::EventCatalog;
use serde_json::value::RawValue;

use crate::metrics::Refusal;
use crate::subjects::Addressed;

/// What an addressed message delivers to each of its agent's pages.
#[derive(Debug)]
pub(crate) enum Delivery {
    /// The partner's own JSON, for `onPageMessage`.
    Page(Box<RawValue>),
    /// A send event of the catalog, its data checked against its schema.
    Event {
        name: &'static str,
        data: Box<RawValue>,
    },
}

/// Checks a send event's name and data against a catalog: the event's wire name, or why not.
pub(crate) type CheckSend = fn(&str, &str) -> Result<&'static str, (Refusal, String)>;

/// [`CheckSend`] for the catalog `C`.
pub(crate) fn check_send<C: EventCatalog>(
    name: &str,
    data: &str,
) -> Result<&'static str, (Refusal, String)> {
    let mut versions = C::sent()
        .iter()
        .filter(|entry| entry.name == name)
        .peekable();
    if versions.peek().is_none() {
        let why = if C::received().iter().any(|entry| entry.name == name) {
            format!("`{name}` is a received event: the host sends it, a page cannot")
        } else {
            format!("`{name}` is not a send event of the catalog")
        };
        return Err((Refusal::not_send_event, why));
    }
    // any version of the event the catalog has (as the AsyncAPI document says), newest last
    let mut refused = String::new();
    for entry in versions {
        match (entry.decode)(data) {
            Ok(_) => return Ok(entry.name),
            Err(error) => refused = format!("`{name}`: {error}"),
        }
    }
    Err((Refusal::schema, refused))
}

/// Reads the payload of a message on an addressed subject.
pub(crate) fn read(
    kind: Addressed<'_>,
    payload: &[u8],
    max_bytes: usize,
    check: CheckSend,
) -> Result<Delivery, (Refusal, String)> {
    if payload.len() > max_bytes {
        return Err((
            Refusal::too_large,
            format!("{} bytes, above the bridge's {max_bytes}", payload.len()),
        ));
    }
    let malformed = |error: serde_json::Error| (Refusal::malformed, error.to_string());
    match kind {
        Addressed::Page(_) => {
            let text = std::str::from_utf8(payload)
                .map_err(|_| (Refusal::malformed, "not UTF-8".to_owned()))?;
            let json: Box<RawValue> = serde_json::from_str::<&RawValue>(text)
                .map_err(malformed)?
                .to_owned();
            Ok(Delivery::Page(json))
        }
        Addressed::Send(_) => {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct SendEvent<'a> {
                name: &'a str,
                #[serde(borrow)]
                data: &'a RawValue,
            }
            let event: SendEvent<'_> = serde_json::from_slice(payload).map_err(malformed)?;
            let name = check(event.name, event.data.get())?;
            Ok(Delivery::Event {
                name,
                data: event.data.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(payload: &str) -> Result<Delivery, (Refusal, String)> {
        read(
            Addressed::Send("a"),
            payload.as_bytes(),
            1024,
            check_send::<partner_events::events::Catalog>,
        )
    }

    #[test]
    fn a_send_event_is_checked_against_the_catalog() {
        let ok = send(
            r#"{"name":"aw-chat-message-received-v1","data":{"interactionId":"i","message":"m","schemaVersion":"1.0.0"}}"#,
        );
        assert!(
            matches!(
                ok,
                Ok(Delivery::Event {
                    name: "aw-chat-message-received-v1",
                    ..
                })
            ),
            "{ok:?}"
        );
        let schema = send(r#"{"name":"aw-chat-message-received-v1","data":{"interactionId":7}}"#);
        assert_eq!(schema.unwrap_err().0, Refusal::schema);
        let received = send(r#"{"name":"aw-interaction-hold-v1","data":{}}"#).unwrap_err();
        assert_eq!(received.0, Refusal::not_send_event);
        assert!(received.1.contains("received event"), "{}", received.1);
        assert_eq!(
            send(r#"{"name":"nope","data":{}}"#).unwrap_err().0,
            Refusal::not_send_event
        );
        assert_eq!(send("{not json").unwrap_err().0, Refusal::malformed);
        assert_eq!(send(r#"{"name":"x"}"#).unwrap_err().0, Refusal::malformed);
    }

    #[test]
    fn a_page_message_is_any_json_within_the_bound() {
        let check = check_send::<partner_events::events::Catalog>;
        assert!(matches!(
            read(Addressed::Page("a"), br#"{"kind":"x"}"#, 64, check),
            Ok(Delivery::Page(_))
        ));
        assert_eq!(
            read(Addressed::Page("a"), b"{", 64, check).unwrap_err().0,
            Refusal::malformed
        );
        assert_eq!(
            read(Addressed::Page("a"), &[b' '; 65], 64, check)
                .unwrap_err()
                .0,
            Refusal::too_large
        );
    }
}
