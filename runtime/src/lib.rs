//! Typed, versioned, lifecycle-aware Rust for the 8x8 partner event catalog.
//!
//! Every event of the catalog (`catalog.yaml`, which mirrors the public documentation tables) is a
//! type in [`events`], generated at compile time by [`include_catalog!`]. Each implements
//! [`Event`], which states its wire name, direction, schema version and lifecycle, and
//! serializes to and from exactly the payload JSON (the SDK's `message.value`).
//!
//! ```
//! use partner_events::{events::AwInteractionHoldV1, Event};
//!
//! let hold: AwInteractionHoldV1 =
//!     serde_json::from_str(r#"{"interactionId":"int-1","schemaVersion":"1.0.0"}"#).unwrap();
//! assert_eq!(hold.interaction_id, "int-1");
//! assert_eq!(AwInteractionHoldV1::NAME, "aw-interaction-hold-v1");
//! ```
//!
//! A partner app routes what `onMessage` receives with [`handler`], and sends with
//! [`send_request`]:
//!
//! ```
//! use partner_events::events::{AwInteractionHoldV1, AwChatMessageReceivedV1};
//! use partner_events::{Dispatch, EventContext, Unhandled};
//!
//! #[derive(Default)]
//! struct App { held: Vec<String>, other: usize }
//!
//! #[partner_events::handler]
//! impl App {
//!     fn on_hold(&mut self, event: AwInteractionHoldV1, _context: &EventContext) {
//!         self.held.push(event.interaction_id);
//!     }
//!     fn fallback(&mut self, _unhandled: Unhandled) {
//!         self.other += 1;
//!     }
//! }
//!
//! let mut app = App::default();
//! let hold = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#;
//! assert!(matches!(app.handle(hold), Dispatch::Handled("aw-interaction-hold-v1")));
//! assert!(matches!(app.handle(r#"{"type":"error","message":{}}"#), Dispatch::Fallback));
//! assert_eq!((app.held.len(), app.other), (1, 1));
//!
//! let reply = AwChatMessageReceivedV1 {
//!     interaction_id: "int-1".into(),
//!     message: "hi".into(),
//!     schema_version: Default::default(),
//! };
//! let (name, _data) = partner_events::send_event_args(&reply).unwrap();
//! assert_eq!(name, "aw-chat-message-received-v1");
//! ```

#![deny(missing_docs)]
// one `unsafe` block, in `json_buffer` (allowed there, with its argument)
#![deny(unsafe_code)]

// Lets the generated code name this crate `::partner_events` here as in users' crates.
extern crate self as partner_events;

mod ambient;
mod catalog;
mod civil;
mod decode;
mod delivery;
mod envelope;
mod error;
mod error_path;
mod event;
mod get_events;
mod handler;
mod identity;
mod json_buffer;
mod lifecycle;
mod send;
#[cfg(feature = "testing")]
pub mod testing;

pub use catalog::EventCatalog;
pub use decode::{
    decode, decode_as, decode_slice, DecodeError, DecodedEvent, Decoder, EnvelopeVersion, Message,
    NonEvent, Outcome, SunsetPolicy, VersionMatch, VersionSource, MAX_MESSAGE_BYTES,
};
pub use delivery::{DeliveryId, DeliveryScope};
pub use error::PayloadError;
pub use event::{AnyEvent, Direction, Event, ReceivedEvent, SchemaVersion, SendEvent};
pub use get_events::{EventsReport, GetEventsResponse};
pub use handler::{Dispatch, EventContext, Handler, ReceivedOf, Unhandled};
pub use identity::{Identity, IdentityScope};
pub use lifecycle::{CatalogDate, Lifecycle, LifecycleStatus};
pub use partner_events_macros::{handler, include_catalog, Event};
pub use send::{send_event_args, send_request, EventJson, Outbox, SendError, Sender};

/// The catalog's events and shapes, generated from `catalog.yaml`.
///
/// One type per event (per schema version, when an event has several), one per shared shape, and
/// one per nested object, enum, literal or union, named as the guide's catalog chapter says
/// (`docs/catalog.md`, "How names are formed").
pub mod events {
    // `runtime/catalog.yaml` links to the repository root's, so that it travels in the package
    crate::include_catalog!("catalog.yaml");
}

#[doc(hidden)]
pub mod __private;
