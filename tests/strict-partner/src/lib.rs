//! A partner crate under the strictest lints a partner might set. It uses every macro: the real
//! catalog and a partner-owned one through `include_catalog!`, `#[handler]` on both, and
//! `#[derive(Event)]`. Nothing the macros generate may trip these lints: CI's
//! `cargo clippy --workspace --all-targets -- -D warnings` compiles it with them denied.

#![deny(
    warnings,
    clippy::pedantic,
    clippy::nursery,
    missing_docs,
    unreachable_pub,
    missing_debug_implementations
)]

// Both catalogs are links (to the repository's and to tests/fixtures/), so that this package,
// like every package of the workspace, builds from its `.crate` in `cargo package`'s check.

/// The repository's catalog, generated again in this crate.
pub mod events {
    partner_events::include_catalog!("catalog.yaml");
}

/// The partner's own catalog.
pub mod acme {
    partner_events::include_catalog!("partner-catalog.yaml");
}

/// Counts tickets from the partner's catalog.
#[derive(Debug, Default)]
pub struct Desk {
    tickets: Vec<String>,
}

#[partner_events::handler(exhaustive, catalog = "partner-catalog.yaml", events = crate::acme)]
impl Desk {
    fn on_ticket(&mut self, event: acme::AcmeTicketCreatedV1) {
        self.tickets.push(event.ticket_id);
    }
}

impl Desk {
    /// The tickets seen, in order.
    #[must_use]
    pub fn tickets(&self) -> &[String] {
        &self.tickets
    }
}

/// Follows holds, from the built-in catalog, with an async method and a fallback.
#[derive(Debug, Default)]
pub struct Assist {
    holds: Vec<String>,
    other: usize,
}

#[partner_events::handler]
impl Assist {
    async fn on_hold(&mut self, event: partner_events::events::AwInteractionHoldV1) {
        let id = std::future::ready(event.interaction_id).await;
        self.holds.push(id);
    }

    fn fallback(&mut self, _unhandled: partner_events::Unhandled) {
        self.other += 1;
    }
}

impl Assist {
    /// The interactions put on hold, and how many other messages came.
    #[must_use]
    pub fn seen(&self) -> (&[String], usize) {
        (&self.holds, self.other)
    }
}

/// A reply, as the partner's own struct.
#[derive(Debug, serde::Serialize, partner_events::Event)]
#[event(name = "aw-chat-message-received-v1", version = "1.0.0")]
#[serde(rename_all = "camelCase")]
pub struct Reply<'a> {
    /// The chat.
    pub interaction_id: &'a str,
    /// The text.
    pub message: &'a str,
    /// `"1.0.0"`.
    pub schema_version: &'static str,
}
