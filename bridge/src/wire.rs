//! The frames the bridge sends, fixed so that any client can speak it.
//!
//! The page sends each SDK message as one text frame, exactly the JSON `onMessage` received. The
//! bridge answers with text frames of two kinds:
//!
//! - `{"sendEvent":{"name":…,"data":…}}`: a handler sent an event; the page calls
//!   `partnerSDK.system.sendEvent(name, data)`;
//! - `{"error":{"message":…}}`: a problem with a message (not JSON, not an SDK message, refused by
//!   its schema, too large, a binary frame, a handler that panicked).

use serde::{Deserialize, Serialize};

/// One frame from the bridge to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
