//! A partner points the macros at a catalog of their own: the same types, validation, decoding,
//! handler and derive, from their file.

#![deny(warnings)]

mod acme {
    //! The partner's events.
    partner_events::include_catalog!("fixtures/partner-catalog.yaml");
}

use partner_events::{Decoder, Dispatch, Event, Message};
use serde::Serialize;

#[derive(Default)]
struct Desk {
    tickets: Vec<String>,
}

#[partner_events::handler(exhaustive, catalog = "fixtures/partner-catalog.yaml", events = crate::acme)]
impl Desk {
    fn on_ticket(&mut self, event: acme::AcmeTicketCreatedV1) {
        self.tickets
            .push(format!("{} {}", event.ticket_id, event.priority.as_str()));
    }
}

#[derive(Serialize, partner_events::Event)]
#[event(
    name = "acme-ticket-note-v1",
    version = "1.0.0",
    catalog = "fixtures/partner-catalog.yaml"
)]
#[serde(rename_all = "camelCase")]
struct Note<'a> {
    ticket_id: &'a str,
    note: &'a str,
}

const CREATED: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"acme-ticket-created-v1","value":{"ticketId":"T-1","priority":"high","schemaVersion":"1.0.0"}}}"#;

#[test]
fn a_partner_catalog_decodes_with_its_own_catalog_type() {
    let decoder = Decoder::<acme::Catalog>::for_catalog();
    match decoder.decode(CREATED).unwrap() {
        Message::Event(event) => assert_eq!(event.event.event_name(), "acme-ticket-created-v1"),
        other => panic!("{other:?}"),
    }
    // the built-in catalog does not know the partner's event, and keeps it whole
    assert!(matches!(
        partner_events::decode(CREATED).unwrap(),
        Message::UnknownEvent { .. }
    ));
}

#[test]
fn handler_and_derive_use_the_partner_catalog() {
    let mut desk = Desk::default();
    assert!(matches!(
        desk.handle(CREATED),
        Dispatch::Handled("acme-ticket-created-v1")
    ));
    assert_eq!(desk.tickets, ["T-1 high"]);
    let note = Note {
        ticket_id: "T-1",
        note: "called back",
    };
    assert_eq!(Note::NAME, "acme-ticket-note-v1");
    assert_eq!(
        partner_events::send_request(&note).unwrap(),
        r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"acme-ticket-note-v1","data":{"ticketId":"T-1","note":"called back"}}}}"#
    );
}
