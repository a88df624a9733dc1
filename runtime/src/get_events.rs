//! The host's answer to `partnerSDK.system.getEvents()`: which events, at which schema versions,
//! this integration receives.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{DecodeError, EventCatalog, SchemaVersion};

/// A parsed `getEvents` response: event name to the schema versions the host sends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetEventsResponse {
    /// Event name to schema versions, as the host listed them.
    pub events: BTreeMap<String, Vec<String>>,
}

/// What a `getEvents` response means for this catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EventsReport {
    /// Catalog events the host sends, with the versions both know.
    pub received: BTreeMap<String, Vec<SchemaVersion>>,
    /// Events the host lists that the catalog does not know, with their versions.
    pub unknown_events: BTreeMap<String, Vec<String>>,
    /// Catalog events the host lists with versions the catalog does not know.
    pub unknown_versions: BTreeMap<String, Vec<String>>,
    /// Received-direction catalog events the host does not list for this integration.
    pub not_offered: Vec<&'static str>,
}

#[derive(Deserialize)]
struct ResponseMessage<'a> {
    #[serde(borrow, default)]
    namespace: Option<&'a str>,
    #[serde(borrow, default)]
    request: Option<&'a str>,
    #[serde(borrow, default)]
    value: Option<&'a serde_json::value::RawValue>,
}

impl GetEventsResponse {
    /// Parses the `message` of a `response`: `Ok(None)` when it answers another request.
    pub fn from_message(message: &str) -> Result<Option<Self>, DecodeError> {
        // an object only: serde's derived structs would read an array's items as the fields
        if !message.trim_start().starts_with('{') {
            return Ok(None);
        }
        let Ok(response) = serde_json::from_str::<ResponseMessage<'_>>(message) else {
            return Ok(None);
        };
        if response.request != Some("getEvents")
            || response.namespace.is_some_and(|n| n != "system")
        {
            return Ok(None);
        }
        let value = response.value.ok_or_else(|| DecodeError::InvalidResponse {
            reason: "`message.value` is missing".into(),
        })?;
        let events =
            serde_json::from_str(value.get()).map_err(|error| DecodeError::InvalidResponse {
                reason: format!(
                    "`message.value` must map event names to lists of schema versions ({error})"
                ),
            })?;
        Ok(Some(GetEventsResponse { events }))
    }

    /// Compares the host's list with the catalog `C`.
    pub fn report<C: EventCatalog>(&self) -> EventsReport {
        let entries = C::received();
        let mut report = EventsReport::default();
        for (name, versions) in &self.events {
            let known: Vec<_> = entries.iter().filter(|e| e.name == name.as_str()).collect();
            if known.is_empty() {
                report.unknown_events.insert(name.clone(), versions.clone());
                continue;
            }
            for version in versions {
                let matched = SchemaVersion::parse(version)
                    .and_then(|v| known.iter().find(|e| e.version == v).map(|e| e.version));
                match matched {
                    Some(v) => report.received.entry(name.clone()).or_default().push(v),
                    None => report
                        .unknown_versions
                        .entry(name.clone())
                        .or_default()
                        .push(version.clone()),
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for entry in entries {
            if !self.events.contains_key(entry.name) && seen.insert(entry.name) {
                report.not_offered.push(entry.name);
            }
        }
        report
    }
}
