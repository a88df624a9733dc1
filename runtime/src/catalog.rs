use serde::{Deserializer, Serialize};

use crate::__private::{Entry, FastPayload};

/// A catalog compiled into types: the `Catalog` type that [`include_catalog!`](crate::include_catalog)
/// generates next to the event types. [`Decoder`](crate::Decoder) is generic over it, so a
/// partner's own catalog decodes exactly like the built-in one.
pub trait EventCatalog {
    /// The generated enum of received events (`Received`).
    type Received: crate::AnyEvent + Serialize + Send + 'static;
    /// The generated enum of send events (`Sent`).
    type Sent: crate::AnyEvent + Serialize + Send + 'static;

    #[doc(hidden)]
    fn received() -> &'static [Entry<Self::Received>];

    #[doc(hidden)]
    fn sent() -> &'static [Entry<Self::Sent>];

    #[doc(hidden)]
    fn deserialize_received_fast<'de, D>(
        name: &str,
        deserializer: D,
        slot: &mut Option<Self::Received>,
    ) -> Result<FastPayload<'de>, D::Error>
    where
        D: Deserializer<'de>;
}
