//! The wire, frame by frame, so that any client can speak it. There are two protocols; the
//! client picks one in the WebSocket handshake.
//!
//! # The plain wire (no subprotocol)
//!
//! The page sends each SDK message as one text frame, exactly the JSON `onMessage` received. The
//! bridge answers with text frames of two kinds ([`ServerFrame`]):
//!
//! - `{"sendEvent":{"name":…,"data":…}}`: a handler sent an event; the page calls
//!   `partnerSDK.system.sendEvent(name, data)`;
//! - `{"error":{"message":…}}`: a problem with a message (not JSON, not an SDK message, refused by
//!   its schema, too large, a binary frame, a handler that panicked).
//!
//! Nothing is numbered or acknowledged: a frame written to a socket whose server then dies is
//! lost. The token, if any, is the handshake's `?token=`.
//!
//! # The acknowledged protocol (subprotocol [`ACKED_PROTOCOL`], `partner-events.v1`)
//!
//! The client offers `Sec-WebSocket-Protocol: partner-events.v1`; the bridge selects it. Every
//! frame is a JSON text frame. Both sides number what they deliver, each from 1, and the receiver
//! acknowledges cumulatively, so the page can hold what the server has not finished with and
//! resend it after a reconnect, to the same process or another.
//!
//! **Page → server**
//!
//! | frame | meaning |
//! |---|---|
//! | `{"hello":{"session":S,"key":K,"token":T,"acked":A,"received":R}}` | first frame, and only then. `S`: the page's session id, 16 to 64 characters of `[A-Za-z0-9_-]`, kept across reloads of the page (the page module keeps it in `sessionStorage`). `K`: the resume key the server gave for `S` (absent on a new session). `T`: the session token, if any (kept out of URLs, so no access log records it). `A`: the highest page number the page knows was acknowledged, or no longer holds (after a reload of the page, what it held died with it; the server skips those numbers). It holds nothing at or below it. `R`: the highest server number the page has applied on this session (0 if none). `addressed` (optional): the position of the last addressed message the page applied, kept across reloads (see *Addressed messages*) |
//! | `{"seq":N,"event":M}` | SDK message `M`, exactly as `onMessage` received it, numbered `N` |
//! | `{"seq":N,"page":J}` | the page's own JSON `J` (an agent's click), numbered `N` in the same sequence |
//! | `{"seq":N,"skipped":{"bytes":B}}` | message `N` was numbered before the page knew the server's size limit, and is `B` bytes long, over it: the page gives up on it (sending it would end each connection with 1009, and hold every message behind it). The server counts it as dropped and acknowledges it. A page that knows the limit drops such a message before numbering it, and says so with `dropped` |
//! | `{"ack":R}` | the page has applied every server frame up to `R`; the server forgets them |
//! | `{"dropped":{"count":C,"total":T}}` | the page's buffer was full, or a message was over the server's size limit: `C` more messages (`T` in all) were not kept, so will never arrive |
//!
//! **Server → page**
//!
//! | frame | meaning |
//! |---|---|
//! | `{"welcome":{"session":S,"key":K,"resumed":B,"acked":A,"maxMessageBytes":M}}` | answer to `hello`. `M`: the largest page frame the server reads, in UTF-8 bytes; a larger one ends the connection with 1009, so the page does not send one (absent from servers before 0.2: a page then assumes no limit). `B`: the same process still had the session (the same handler value) and resends what the page had not applied; otherwise it starts a fresh handler. `A`: every page number up to `A` is handled (and stored, when the bridge stores events): the page forgets them and resends the rest, in order. `addressed` (when the bridge has a backbone and the session an agent): the position the page is caught up through; a page with none keeps it as its own |
//! | `{"ack":A}` | every page number up to `A` has been handled (the handler returned). Cumulative, sent when the server has nothing more to read, or every 64 messages |
//! | `{"seq":N,"id":I,"sendEvent":{"name":…,"data":…}}` | call `sendEvent`, numbered `N`. `I` names it across server processes: `d<page seq>.<k>` for the `k`th frame the handler sent while handling page message `<page seq>`, `a<position>` for a message addressed to the agent (see *Addressed messages*), else `s<N>` |
//! | `{"seq":N,"id":I,"page":J}` | the server's own JSON `J` for the page, numbered and named like `sendEvent` |
//! | `{"error":{"message":…,"seq":N}}` | a problem; `seq` names the page message it concerns, when there is one. Not numbered |
//!
//! **Applying once.** The page applies a numbered frame if its `N` is above the last it applied
//! on this session (reset when a welcome says `resumed: false`) and, for a `d` id, if it has not
//! applied that id: a handler rerun after a crash sends the same frames for the same delivery,
//! with the same ids. A `d` id can only recur while its page message is unacknowledged, so the
//! page forgets those ids once the message is acknowledged.
//!
//! **Addressed messages.** A bridge with a backbone (see [`crate::backbone`]) delivers what other
//! systems address to an agent to each of the agent's pages, as numbered frames with an id
//! `a<position>`: the message's position in the backbone, increasing in the order the messages
//! were addressed. The page applies one only if its position is above the last it applied, which
//! it keeps across reloads (`sessionStorage`) and sends in its hello as `addressed`, so a message
//! is applied once per page whichever process delivers it, and a page that reconnects to another
//! process is caught up from there. The positions of one agent's messages are not consecutive
//! (other agents' messages are numbered between them).
//!
//! # The backbone's subjects (NATS JetStream)
//!
//! A bridge on the NATS backbone (the crate `partner-events-nats`) takes part in these subjects,
//! and any other system can, with a plain NATS client in any language. `<agent>` is an agent's
//! key ([`Principal::key`](crate::Principal::key): 1 to 64 characters of `[A-Za-z0-9_-]`, so no
//! dots and no wildcards).
//!
//! | subject | payload | who publishes | what happens |
//! |---|---|---|---|
//! | `partner-events.page.<agent>` | any JSON value, up to the bridge's message bound | any system | each live page of the agent gets it once, in publish order, as `{"seq":N,"id":"a<position>","page":J}` (its `onPageMessage`) |
//! | `partner-events.send.<agent>` | `{"name":E,"data":D}`: a send event of the catalog, `D` valid against its schema | any system | each live page of the agent posts it to the host with `sendEvent`, once, as `{"seq":N,"id":"a<position>","sendEvent":{"name":E,"data":D}}` |
//! | `partner-events.events.<event name>` | the SDK message exactly as the page's `onMessage` received it | the bridge | stored; header `Nats-Msg-Id` is the delivery id (`<page session>/<page number>`), header `Partner-Events-Agent` the agent, when sessions have one. An event whose name is not one subject token goes to `partner-events.events._other` |
//!
//! **Streams.** `PARTNER_EVENTS_ADDRESSED` keeps the page and send subjects for the retention (5
//! minutes by default), so that a page that reconnects, to the same process or another, gets
//! what was published meanwhile; `<position>` is a message's sequence in it. Publish with a
//! JetStream publish (its acknowledgement says the message is stored) and a `Nats-Msg-Id` of your
//! own, and a publish retried after a lost acknowledgement is kept once. `PARTNER_EVENTS` keeps
//! the events (7 days by default), deduplicated on `Nats-Msg-Id` within 2 minutes: a page's
//! resend after a bridge crash is stored once. Read it with any JetStream consumer.
//!
//! **Refused, counted, delivered to no page** (`partner_events_addressed_refused_total{reason}`,
//! on each process): an agent that is no key (`agent`: `partner-events.page.a.b` included), a
//! payload above the bound (`too_large`), JSON that does not parse or a send event that is not
//! `{"name","data"}` (`malformed`), a name that is no send event of the catalog, a received
//! event's included (`not_send_event`), data its schema refuses (`schema`). A message for an
//! agent with no page on a process is counted there as `partner_events_addressed_no_page_total`.
//! Only pages of the acknowledged protocol are addressed.
//!
//! **Close codes** are in [`close`]: 1012 (service restart) when the server drains, 1011 when the
//! handler panicked, 4000 when a newer connection took the session over, 4008 when the server's
//! unacknowledged frames are at their bound, 4400 for a frame that broke the protocol, 4401 for a
//! refused token and 4403 for another page's session id.

use serde::{Deserialize, Serialize};

/// The subprotocol of the acknowledged protocol.
pub const ACKED_PROTOCOL: &str = "partner-events.v1";

/// One frame from the bridge to the page on the plain wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ServerFrame {
    /// Call `partnerSDK.system.sendEvent(name, data)`.
    SendEvent {
        /// The event's wire name.
        name: String,
        /// Its payload.
        data: serde_json::Value,
    },
    /// A problem with a message.
    Error {
        /// What went wrong, for a person.
        message: String,
    },
}

impl ServerFrame {
    /// An error frame.
    pub fn error(message: impl Into<String>) -> Self {
        ServerFrame::Error {
            message: message.into(),
        }
    }

    /// The frame's JSON text.
    pub fn to_text(&self) -> String {
        // Strings and JSON values always serialize.
        serde_json::to_string(self)
            .unwrap_or_else(|_| String::from(r#"{"error":{"message":"unserializable frame"}}"#))
    }
}

/// The close codes the bridge ends a connection with, for clients that implement the wire.
/// 1000 is a normal close (the page left, or a plain session ended). A frame the WebSocket
/// protocol forbids gets RFC 6455's code, after an error frame that says what it was: 1002 (a
/// protocol error), 1007 (text that is not UTF-8), 1009 (a message over the size limit).
pub mod close {
    /// 1012, service restart: the server drained. Reconnect at once (to the next process) and
    /// resend what is unacknowledged. Both protocols.
    pub const RESTART: u16 = 1012;
    /// 1011: the handler panicked and the session is gone. The message that panicked is
    /// acknowledged, so it is not replayed into the next handler.
    pub const PANICKED: u16 = 1011;
    /// 4000: a newer connection of the same session took it over.
    pub const TAKEN_OVER: u16 = 4000;
    /// 4008: the server holds as many unacknowledged frames for the page as it may, so it did
    /// not handle the next message. Resume at once (the hello's `received` frees them) and
    /// resend.
    pub const OUTBOX_FULL: u16 = 4008;
    /// 4400: a frame broke the protocol; the error frame before it says how.
    pub const PROTOCOL: u16 = 4400;
    /// 4401: the session's token was refused.
    pub const UNAUTHORIZED: u16 = 4401;
    /// 4403: the session id belongs to another page (wrong key, or another token): start a new
    /// session id.
    pub const FOREIGN_SESSION: u16 = 4403;
}

/// A page frame of the acknowledged protocol, one kind each.
pub(crate) enum PageFrame<'a> {
    /// The first frame.
    Hello(Hello),
    /// A numbered message.
    Numbered { seq: u64, body: Body<'a> },
    /// The page has applied every server frame up to this number.
    Ack(u64),
    /// The page's buffer was full.
    Dropped(Dropped),
}

/// What a numbered page frame carries.
pub(crate) enum Body<'a> {
    /// An SDK message, as `onMessage` received it.
    Event(&'a serde_json::value::RawValue),
    /// The page's own JSON.
    Page(&'a serde_json::value::RawValue),
    /// A message the page gave up on: over the server's size limit.
    Skipped(Skipped),
}

/// A numbered message the page did not send: it was over the server's size limit.
#[derive(Deserialize)]
pub(crate) struct Skipped {
    /// Its size, in UTF-8 bytes.
    pub(crate) bytes: u64,
}

/// A page frame that could not be read, and why.
pub(crate) struct Malformed {
    pub(crate) message: String,
    /// The frame's number, when it had a readable one: that message was not handled.
    pub(crate) seq: Option<u64>,
}

/// How a message about a frame that is not one of this protocol's begins.
const NOT_A_FRAME: &str = "not a frame of partner-events.v1: ";

impl Malformed {
    /// Why, without the words that say it is not a frame of the protocol.
    pub(crate) fn reason(&self) -> &str {
        self.message
            .strip_prefix(NOT_A_FRAME)
            .unwrap_or(&self.message)
    }
}

impl<'a> PageFrame<'a> {
    /// The page module's own spelling of a numbered event, `{"seq":N,"event":…}`, split without
    /// reading the event: its number and the event's text. Whether that text is one JSON value
    /// (and so the frame exactly this spelling) is for the caller to establish, as the decoder
    /// does while it reads it, the one reading of the event. `None` for any other spelling, which
    /// [`PageFrame::parse`] reads.
    pub(crate) fn split_numbered_event(text: &'a str) -> Option<(u64, &'a str)> {
        let rest = text.strip_prefix(r#"{"seq":"#)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        // JSON's numbers: no leading zero; and no more digits than a page counts to
        if digits == 0 || digits > 16 || (digits > 1 && rest.starts_with('0')) {
            return None;
        }
        let seq = rest[..digits].parse().ok()?;
        let event = rest[digits..]
            .strip_prefix(r#","event":"#)?
            .strip_suffix('}')?;
        Some((seq, event))
    }

    /// Reads one frame: exactly one kind, or why not. A frame that mixes kinds (a `seq` beside an
    /// `ack`) is refused whole rather than read as one of them.
    pub(crate) fn parse(text: &'a str) -> Result<Self, Malformed> {
        let frame: RawPageFrame<'a> = serde_json::from_str(text).map_err(|error| Malformed {
            message: format!("{NOT_A_FRAME}{error}"),
            seq: None,
        })?;
        let kinds = [
            ("hello", frame.hello.is_some()),
            ("seq", frame.seq.is_some()),
            ("ack", frame.ack.is_some()),
            ("dropped", frame.dropped.is_some()),
        ];
        if kinds.iter().filter(|(_, present)| *present).count() != 1 {
            let present: Vec<&str> = kinds
                .iter()
                .filter(|(_, present)| *present)
                .map(|(kind, _)| *kind)
                .collect();
            let found = if present.is_empty() {
                "none of them".to_owned()
            } else {
                format!("`{}`", present.join("` and `"))
            };
            return Err(Malformed {
                message: format!(
                    "{NOT_A_FRAME}a frame carries exactly one of `hello`, `seq` (with `event`, `page` or `skipped`), `ack` and `dropped`; this one has {found}"
                ),
                seq: frame.seq,
            });
        }
        if let Some(seq) = frame.seq {
            let body = match (frame.event, frame.page, frame.skipped) {
                (Some(event), None, None) => Body::Event(event),
                (None, Some(page), None) => Body::Page(page),
                (None, None, Some(skipped)) => match serde_json::from_str(skipped.get()) {
                    Ok(skipped) => Body::Skipped(skipped),
                    Err(error) => {
                        return Err(Malformed {
                            message: format!("`skipped` is `{{\"bytes\":B}}`, the message's size: {error}; it was not handled"),
                            seq: Some(seq),
                        })
                    }
                },
                _ => {
                    return Err(Malformed {
                        message: "a numbered frame carries exactly one of `event`, `page` and `skipped`; it was not handled".into(),
                        seq: Some(seq),
                    })
                }
            };
            return Ok(PageFrame::Numbered { seq, body });
        }
        if frame.event.is_some() || frame.page.is_some() || frame.skipped.is_some() {
            return Err(Malformed {
                message: "`event`, `page` and `skipped` go in a numbered frame, beside `seq`"
                    .into(),
                seq: None,
            });
        }
        match (frame.hello, frame.ack, frame.dropped) {
            (Some(hello), _, _) => Ok(PageFrame::Hello(hello)),
            (_, Some(ack), _) => Ok(PageFrame::Ack(ack)),
            (_, _, Some(dropped)) => Ok(PageFrame::Dropped(dropped)),
            // counted above: one of them is present
            (None, None, None) => Err(Malformed {
                message: NOT_A_FRAME.trim_end_matches([':', ' ']).into(),
                seq: None,
            }),
        }
    }
}

/// A page frame as read: every key optional, so that one pass says which kind it is and what is
/// wrong with it.
#[derive(Deserialize)]
struct RawPageFrame<'a> {
    seq: Option<u64>,
    #[serde(borrow)]
    event: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    page: Option<&'a serde_json::value::RawValue>,
    /// Read apart, once the frame is known to be numbered: a bad one is refused with its number.
    #[serde(borrow)]
    skipped: Option<&'a serde_json::value::RawValue>,
    ack: Option<u64>,
    hello: Option<Hello>,
    dropped: Option<Dropped>,
}

/// The page's first frame.
#[derive(Deserialize)]
pub(crate) struct Hello {
    pub(crate) session: String,
    pub(crate) key: Option<String>,
    pub(crate) token: Option<String>,
    #[serde(default)]
    pub(crate) acked: u64,
    #[serde(default)]
    pub(crate) received: u64,
    /// The last position of an addressed message the page applied, when it has one.
    pub(crate) addressed: Option<u64>,
}

/// The page's report of what its full buffer could not keep.
#[derive(Deserialize)]
pub(crate) struct Dropped {
    pub(crate) count: u64,
    #[serde(default)]
    pub(crate) total: u64,
}

/// The body of a `sendEvent` frame, `{"name":…,"data":…}`, written onto `out`: the same on both
/// protocols. `name` is an event's wire name, written as it is when JSON needs no escape in it
/// (a catalog's always), escaped otherwise; `data` is JSON already. [`send_event_body_len`] is
/// the length of the first kind.
pub(crate) fn send_event_body(out: &mut String, name: &str, data: &str) {
    out.push_str(r#"{"name":"#);
    if needs_no_escape(name) {
        out.push('"');
        out.push_str(name);
        out.push('"');
    } else {
        // a partner's own `SendEvent` may name anything: JSON-escaped (a string always is)
        out.push_str(&serde_json::to_string(name).unwrap_or_default());
    }
    out.push_str(r#","data":"#);
    out.push_str(data);
    out.push('}');
}

/// Whether `text` is a JSON string's content as it is: no quote, backslash or control character
/// (anything else, non-ASCII included, is written raw). Every byte is read, without a branch to
/// stop at the first bad one, which the compiler can turn into a few wide comparisons: it runs for
/// every send.
fn needs_no_escape(text: &str) -> bool {
    !text.bytes().fold(false, |bad, byte| {
        bad | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    })
}

/// The length of [`send_event_body`]'s text.
pub(crate) fn send_event_body_len(name: &str, data: &str) -> usize {
    r#"{"name":"","data":}"#.len() + name.len() + data.len()
}

/// The frames the server writes on the plain wire.
pub(crate) mod plain {
    /// `{"sendEvent":{"name":…,"data":…}}`.
    pub(crate) fn send_event(name: &str, data: &str) -> String {
        // exact for a catalog's name: no room to spare held while the frame is queued
        let mut text = String::with_capacity(
            r#"{"sendEvent":}"#.len() + super::send_event_body_len(name, data),
        );
        text.push_str(r#"{"sendEvent":"#);
        super::send_event_body(&mut text, name, data);
        text.push('}');
        text
    }
}

/// The frames the server writes in the acknowledged protocol, spelled in one place.
pub(crate) mod acked {

    use serde::Serialize;

    pub(crate) fn welcome(
        session: &str,
        key: &str,
        resumed: bool,
        acked: u64,
        addressed: Option<u64>,
        max_message_bytes: usize,
    ) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Welcome<'a> {
            session: &'a str,
            key: &'a str,
            resumed: bool,
            acked: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            addressed: Option<u64>,
            max_message_bytes: usize,
        }
        #[derive(Serialize)]
        struct Frame<'a> {
            welcome: Welcome<'a>,
        }
        to_text(&Frame {
            welcome: Welcome {
                session,
                key,
                resumed,
                acked,
                addressed,
                max_message_bytes,
            },
        })
    }

    /// `{"ack":N}`, kept inline (no allocation: it is sent for nearly every message).
    pub(crate) fn ack(acked: u64) -> crate::socket::Text {
        let mut digits = itoa::Buffer::new();
        crate::socket::Text::inline(&[r#"{"ack":"#, digits.format(acked), "}"])
            .expect("at most 28 bytes: a u64 has at most 20 digits")
    }

    pub(crate) fn error(message: &str, seq: Option<u64>) -> String {
        #[derive(Serialize)]
        struct Error<'a> {
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            seq: Option<u64>,
        }
        #[derive(Serialize)]
        struct Frame<'a> {
            error: Error<'a>,
        }
        to_text(&Frame {
            error: Error { message, seq },
        })
    }

    fn to_text<T: Serialize>(value: &T) -> String {
        // Strings, numbers and bools always serialize.
        serde_json::to_string(value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_name_is_written_as_it_is_unless_json_needs_an_escape_in_it() {
        let body = |name: &str| {
            let mut out = String::new();
            send_event_body(&mut out, name, "{}");
            out
        };
        assert_eq!(
            body("aw-chat-message-received-v1"),
            r#"{"name":"aw-chat-message-received-v1","data":{}}"#
        );
        assert_eq!(
            body("aw-chat-message-received-v1").len(),
            send_event_body_len("aw-chat-message-received-v1", "{}")
        );
        assert_eq!(
            body("acme.ticket é"),
            r#"{"name":"acme.ticket é","data":{}}"#
        );
        // the rule itself (serde_json's escaping of a name that needs none is the same text)
        assert!(needs_no_escape("aw-chat-message-received-v1"));
        assert!(needs_no_escape("acme.ticket é ✓"));
        for bad in ["a\"b", "a\\b", "a\nb", "a\u{1f}b"] {
            assert!(!needs_no_escape(bad), "{bad:?}");
        }
        assert_eq!(body(r#"a"b"#), r#"{"name":"a\"b","data":{}}"#);
        assert_eq!(body(r"a\b"), r#"{"name":"a\\b","data":{}}"#);
        assert_eq!(body("a\nb"), r#"{"name":"a\nb","data":{}}"#);
        assert_eq!(body("a\u{1}b"), r#"{"name":"a\u0001b","data":{}}"#);
    }

    #[test]
    fn only_the_page_modules_spelling_of_a_numbered_event_is_split_unread() {
        let split = PageFrame::split_numbered_event;
        assert_eq!(
            split(r#"{"seq":7,"event":{"a":1}}"#),
            Some((7, r#"{"a":1}"#))
        );
        assert_eq!(split(r#"{"seq":0,"event":1}"#), Some((0, "1")));
        // what is after the number is not read: the caller's decoder refuses what is not one value
        assert_eq!(
            split(r#"{"seq":1,"event":{},"ack":3}"#),
            Some((1, r#"{},"ack":3"#))
        );
        assert_eq!(split(r#"{"seq":1,"event":{}"#), Some((1, "{")));
        for other in [
            r#"{"event":{},"seq":1}"#,
            r#"{ "seq":1,"event":{}}"#,
            r#"{"seq":01,"event":{}}"#,
            r#"{"seq":-1,"event":{}}"#,
            r#"{"seq":1.5,"event":{}}"#,
            r#"{"seq":12345678901234567,"event":{}}"#,
            r#"{"seq":1,"page":{}}"#,
            r#"{"ack":1}"#,
        ] {
            assert_eq!(split(other), None, "{other}");
        }
    }
}
