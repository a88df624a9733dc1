//! The test kit (feature `testing`): realistic messages for every event, and a fake host to play
//! them into a handler, so that a partner tests their handlers without an 8x8 account.
//!
//! - [`minimal`], [`full`] and [`random`]: a valid payload of any generated event type, of the
//!   built-in catalog or of a partner's own through [`include_catalog!`](crate::include_catalog)
//!   (and of a `#[derive(partner_events::Event)]` struct). Minimal has the required fields only;
//!   full has every optional field and non-empty arrays; random is chosen by a seed. Values are
//!   plausible for their field (`interactionId` is `interaction-1`, `email` an address).
//! - [`message`]: the SDK message that carries a payload, envelope and all, as `onMessage`
//!   receives it.
//! - [`strategy`] (feature `proptest`): a proptest strategy for every generated event type.
//! - [`FakeHost`]: plays messages into a `#[handler]` value and records what it sends.
//!
//! The samples come from the same catalog model as the types and the JSON Schema
//! (`partner-events sample` prints the same ones), so they are valid by construction; the
//! repository's tests check every one against the SDK's own schemas.
//!
//! ```
//! use partner_events::events::{AwChatInitV1, AwInteractionHoldV1};
//! use partner_events::testing;
//!
//! let hold: AwInteractionHoldV1 = testing::minimal();
//! assert_eq!(hold.interaction_id, "interaction-1");
//! let chat: AwChatInitV1 = testing::full();
//! assert!(!chat.messages.is_empty());
//! assert!(testing::message(&hold).starts_with(
//!     r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"#
//! ));
//! ```

mod fake_host;
mod kit;
#[cfg(feature = "proptest")]
mod strategy;

pub use fake_host::{FakeHost, SentEvent};
pub use kit::{full, message, minimal, random};
#[cfg(feature = "proptest")]
pub use strategy::strategy;
