//! The subjects and streams any NATS client takes part with (documented for other languages in
//! `partner_events_bridge::wire`): spelled here once.

/// The stream of addressed messages: every message published to an agent's page or send subject,
/// kept for the retention so that a page that reconnects, here or on another process, gets what
/// was published meanwhile.
pub const ADDRESSED_STREAM: &str = "PARTNER_EVENTS_ADDRESSED";

/// The stream of page events: every event a page delivered, once, under its delivery id.
pub const EVENTS_STREAM: &str = "PARTNER_EVENTS";

/// `partner-events.page.<agent>`: a JSON message for the `onPageMessage` of each of the agent's
/// live pages.
pub const PAGE_PREFIX: &str = "partner-events.page.";

/// `partner-events.send.<agent>`: `{"name":…,"data":…}`, a send event for each of the agent's live
/// pages to post to the host with `sendEvent`.
pub const SEND_PREFIX: &str = "partner-events.send.";

/// `partner-events.events.<event name>`: one event a page delivered, as the SDK message.
pub const EVENTS_PREFIX: &str = "partner-events.events.";

/// The header that carries the agent on a stored event (absent when the bridge has no agents).
pub const AGENT_HEADER: &str = "Partner-Events-Agent";

/// The subject a message for `agent`'s pages is published on.
pub fn page_subject(agent: &str) -> String {
    format!("{PAGE_PREFIX}{agent}")
}

/// The subject a send event for `agent`'s pages is published on.
pub fn send_subject(agent: &str) -> String {
    format!("{SEND_PREFIX}{agent}")
}

/// Every addressed subject of `agent`, both kinds, in one filter.
pub(crate) fn agent_filter(agent: &str) -> String {
    format!("partner-events.*.{agent}")
}

/// The subject an event named `name` is stored on. A name that cannot stand as one subject token
/// (a page's unknown event may be named anything) is stored under `_other`, the name kept in the
/// message itself.
pub fn event_subject(name: &str) -> String {
    if is_token(name, 128) {
        format!("{EVENTS_PREFIX}{name}")
    } else {
        format!("{EVENTS_PREFIX}_other")
    }
}

/// What an addressed subject names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addressed<'a> {
    /// `partner-events.page.<agent>`.
    Page(&'a str),
    /// `partner-events.send.<agent>`.
    Send(&'a str),
}

impl<'a> Addressed<'a> {
    /// Reads a subject of the addressed stream; `Err` says why it names no agent.
    pub(crate) fn parse(subject: &'a str) -> Result<Self, &'static str> {
        let (kind, agent): (fn(&'a str) -> Self, &str) =
            if let Some(agent) = subject.strip_prefix(PAGE_PREFIX) {
                (Addressed::Page, agent)
            } else if let Some(agent) = subject.strip_prefix(SEND_PREFIX) {
                (Addressed::Send, agent)
            } else {
                return Err("not an addressed subject");
            };
        check_agent(agent)?;
        Ok(kind(agent))
    }
}

/// Checks an agent key: what `Principal::key` allows, 1 to 64 characters of `[A-Za-z0-9_-]`,
/// so no dots (another subject token) and no wildcards.
pub fn check_agent(agent: &str) -> Result<(), &'static str> {
    if is_token(agent, 64) {
        Ok(())
    } else {
        Err("an agent key is 1 to 64 characters of [A-Za-z0-9_-] (no dots, no wildcards)")
    }
}

fn is_token(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_addressed_subject_names_one_well_formed_agent() {
        assert_eq!(
            Addressed::parse("partner-events.page.agent-7"),
            Ok(Addressed::Page("agent-7"))
        );
        assert_eq!(
            Addressed::parse("partner-events.send.a_b"),
            Ok(Addressed::Send("a_b"))
        );
        for bad in [
            "partner-events.page.a.b",
            "partner-events.page.*",
            "partner-events.page.>",
            "partner-events.page.",
            "partner-events.other.a",
        ] {
            assert!(Addressed::parse(bad).is_err(), "{bad}");
        }
        assert!(check_agent(&"a".repeat(65)).is_err());
    }

    #[test]
    fn an_event_name_that_is_no_subject_token_is_stored_under_other() {
        assert_eq!(
            event_subject("aw-chat-init-v1"),
            "partner-events.events.aw-chat-init-v1"
        );
        assert_eq!(event_subject("a.b"), "partner-events.events._other");
        assert_eq!(event_subject("*"), "partner-events.events._other");
    }
}
