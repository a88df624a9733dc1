use std::fmt;

use crate::Lifecycle;

/// Who sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// The 8x8 host sends it to the partner app (the documentation's "Received" table).
    Received,
    /// The partner app sends it with `system.sendEvent` (the "Send" table).
    Send,
}

impl Direction {
    /// `"received"` or `"send"`, as the catalog spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Received => "received",
            Direction::Send => "send",
        }
    }
}

/// A payload schema version, `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaVersion {
    /// Incompatible changes.
    pub major: u64,
    /// Compatible additions.
    pub minor: u64,
    /// Compatible fixes.
    pub patch: u64,
}

impl SchemaVersion {
    /// A version from its three numbers.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        SchemaVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `MAJOR.MINOR.PATCH` (no pre-release or build suffix, no leading zeros).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let mut number = || -> Option<u64> {
            let part = parts.next()?;
            let leading_zero = part.len() > 1 && part.starts_with('0');
            if part.is_empty() || leading_zero || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let version = SchemaVersion::new(number()?, number()?, number()?);
        parts.next().is_none().then_some(version)
    }
}

impl fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A catalog event's payload type: the facts of its row of the catalog, as constants.
///
/// Implemented by every generated event type. The payload itself is (de)serialized with serde.
pub trait Event {
    /// The wire name, e.g. `"aw-interaction-hold-v1"`.
    const NAME: &'static str;
    /// Who sends the event.
    const DIRECTION: Direction;
    /// The schema version this type is for.
    const SCHEMA_VERSION: SchemaVersion;
    /// Every schema version of the event the catalog lists, oldest first.
    const SCHEMA_VERSIONS: &'static [SchemaVersion];
    /// Active, deprecation and sunset dates, and the replacement.
    const LIFECYCLE: Lifecycle;
    /// Whether the payload's schema is not documented yet and is kept as open JSON.
    const OPEN_PAYLOAD: bool;
    /// The text of the catalog the type comes from (empty when unknown): what the test kit
    /// samples the type from.
    #[doc(hidden)]
    const CATALOG_SOURCE: &'static str = "";
}

/// An event the 8x8 host sends to the partner app.
pub trait ReceivedEvent: Event {}

/// An event the partner app sends with `system.sendEvent`: only these can be passed to
/// [`send_request`](crate::send_request) and [`send_event_args`](crate::send_event_args).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent: it is not a send-direction event of the catalog",
    label = "not an event of the catalog's \"Send\" table",
    note = "partners send only the events the documentation lists under \"Send\" (e.g. `AwChatMessageReceivedV1`); received events come from the host"
)]
pub trait SendEvent: Event {}

/// Any one event of a catalog, whichever it is: implemented by the generated `Received` and
/// `Sent` enums.
pub trait AnyEvent {
    /// The event's wire name.
    fn event_name(&self) -> &'static str;
    /// The schema version of the payload's type.
    fn schema_version(&self) -> SchemaVersion;
    /// The event's lifecycle.
    fn lifecycle(&self) -> Lifecycle;
    /// The name of the payload's generated Rust type, e.g. `"AwInteractionHoldV1"`.
    fn type_name(&self) -> &'static str;
}
