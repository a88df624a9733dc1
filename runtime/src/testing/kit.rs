//! Sample payloads of a type, from the catalog its `Event` impl names.

use std::any::type_name;
use std::sync::{Mutex, OnceLock};

use partner_events_catalog::model::{self, Catalog};
use partner_events_catalog::sample::{self, Fill};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Event, ReceivedEvent};

/// A valid payload with the required fields only: arrays and maps empty, a required nullable field
/// `null`, a union's first alternative.
///
/// # Panics
/// When `E`'s catalog is unknown: a type that implements [`Event`] by hand rather than through
/// `include_catalog!` or `#[derive(partner_events::Event)]`.
#[track_caller]
pub fn minimal<E: Event + DeserializeOwned>() -> E {
    typed(&sample_value::<E>(&mut Fill::Minimal))
}

/// A valid payload with every optional field present and every array and map non-empty.
///
/// # Panics
/// As [`minimal`].
#[track_caller]
pub fn full<E: Event + DeserializeOwned>() -> E {
    typed(&sample_value::<E>(&mut Fill::Full))
}

/// A valid payload chosen by `seed`: each optional field present or not, each nullable one `null`
/// or not, any enum value or union alternative, arrays of 0 to 3 items. The same seed gives the
/// same payload (and the same as `partner-events sample EVENT --seed`).
///
/// # Panics
/// As [`minimal`].
#[track_caller]
pub fn random<E: Event + DeserializeOwned>(seed: u64) -> E {
    let mut rng = fastrand::Rng::with_seed(seed);
    typed(&sample_value::<E>(&mut Fill::Random(&mut rng)))
}

/// The SDK message that carries `payload`, exactly as `onMessage` receives it from the host:
/// `{"type":"event","schemaVersion":…,"message":{"eventName":…,"value":…}}`, on one line.
///
/// # Panics
/// When `payload` does not serialize (a hand-written `Serialize` that fails).
#[track_caller]
pub fn message<E: ReceivedEvent + Serialize>(payload: &E) -> String {
    let value = serde_json::to_value(payload)
        .unwrap_or_else(|error| panic!("{} did not serialize: {error}", type_name::<E>()));
    let (event, version) = row::<E>();
    sample::message(event, version, &value)
}

/// The JSON of a sample of `E`.
#[track_caller]
pub(super) fn sample_value<E: Event>(fill: &mut Fill<'_>) -> serde_json::Value {
    let (_, version) = row::<E>();
    sample::payload(catalog_of::<E>(), version, fill)
}

/// `E` from a sample's JSON: a sample the type refuses is a bug in the kit, and says so.
#[track_caller]
pub(super) fn typed<E: Event + DeserializeOwned>(value: &serde_json::Value) -> E {
    E::deserialize(value).unwrap_or_else(|error| {
        panic!(
            "the test kit made a sample that {} refuses ({error}): {value}; please report it",
            type_name::<E>()
        )
    })
}

/// `E`'s row of its catalog: the event and the schema version.
#[track_caller]
pub(super) fn row<E: Event>() -> (&'static model::Event, &'static model::Version) {
    let catalog = catalog_of::<E>();
    let found = catalog.event(E::NAME).and_then(|event| {
        let wanted = E::SCHEMA_VERSION;
        event
            .versions
            .iter()
            .find(|v| {
                (v.version.major, v.version.minor, v.version.patch)
                    == (wanted.major, wanted.minor, wanted.patch)
            })
            .map(|version| (event, version))
    });
    found.unwrap_or_else(|| {
        panic!(
            "{} says it is `{}` {}, which its catalog does not list",
            type_name::<E>(),
            E::NAME,
            E::SCHEMA_VERSION
        )
    })
}

/// The catalog `E` was generated from, loaded once per catalog text and kept for the life of the
/// test process.
#[track_caller]
fn catalog_of<E: Event>() -> &'static Catalog {
    static LOADED: OnceLock<Mutex<Vec<(&'static str, &'static Catalog)>>> = OnceLock::new();
    let source = E::CATALOG_SOURCE;
    if source.is_empty() {
        panic!(
            "{} has no catalog the test kit can sample it from: it implements `Event` by hand; \
             the kit samples the types of `include_catalog!` and `#[derive(partner_events::Event)]`",
            type_name::<E>()
        );
    }
    let mut loaded = LOADED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, catalog)) = loaded.iter().find(|(text, _)| *text == source) {
        return catalog;
    }
    // The catalog compiled, so it loads; a failure here is a bug.
    let catalog = partner_events_catalog::load_str(source)
        .catalog
        .unwrap_or_else(|| panic!("the catalog of {} did not load", type_name::<E>()));
    let catalog: &'static Catalog = Box::leak(Box::new(catalog));
    loaded.push((source, catalog));
    catalog
}
