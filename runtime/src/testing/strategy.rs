//! proptest strategies for the generated event types (feature `proptest`).

use std::fmt::Debug;

use partner_events_catalog::sample::Fill;
use proptest::prelude::{any, BoxedStrategy, Strategy};
use serde::de::DeserializeOwned;

use super::kit::{row, sample_value, typed};
use crate::Event;

/// How many choices one sample may take before the rest are minimal: enough for every choice of
/// the largest payloads in the built-in catalog.
const MAX_CHOICES: usize = 512;

/// A proptest strategy for valid payloads of `E`: every value is one `E`'s schema accepts, with
/// optional fields present or not, nullable ones `null` or not, every literal, enum value, union
/// alternative and map size reachable.
///
/// Each sample is made by the test kit's generator from a list of bytes, one per choice (`0`, and
/// the end of the list, being the minimal choice), and proptest shrinks the list; so a failing case
/// shrinks towards the [`minimal`](super::minimal) payload.
///
/// ```
/// use partner_events::events::AwChatInitV1;
/// use proptest::prelude::*;
///
/// proptest!(|(chat in partner_events::testing::strategy::<AwChatInitV1>())| {
///     prop_assert!(!chat.interaction_id.is_empty());
/// });
/// ```
///
/// # Panics
/// As [`minimal`](super::minimal), when the strategy is made.
#[track_caller]
pub fn strategy<E>() -> BoxedStrategy<E>
where
    E: Event + DeserializeOwned + Debug + 'static,
{
    // find the type's row now, so that a type the kit cannot sample fails here, not in a case
    let _ = row::<E>();
    proptest::collection::vec(any::<u8>(), 0..MAX_CHOICES)
        .prop_map(|bytes| {
            let mut choices = bytes.into_iter();
            typed::<E>(&sample_value::<E>(&mut Fill::Choices(&mut choices)))
        })
        .boxed()
}
