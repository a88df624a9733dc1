//! `schema`, `lifecycle` and `diff`: the catalog maintainer's everyday commands.

use std::path::Path;
use std::process::ExitCode;

use partner_events::{CatalogDate, Lifecycle, LifecycleStatus};
use partner_events_catalog::diagnostic::did_you_mean;
use partner_events_catalog::model::{Catalog, Direction, Event, Version};
use partner_events_catalog::{docs, sample, schema};
use serde_json::json;

use crate::{load, EXIT_PROBLEMS, EXIT_UNREADABLE};

/// Events that sunset within this many days are marked.
const SUNSET_SOON_DAYS: i64 = 30;

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    );
}

pub fn schema(path: &Path, event: Option<&str>, version: Option<&str>) -> ExitCode {
    let catalog = match load(path) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let Some(name) = event else {
        print_json(&schema::catalog_schemas(&catalog));
        return ExitCode::SUCCESS;
    };
    let (event, chosen) = match choose(&catalog, name, version) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    print_json(&schema::payload_schema(&catalog, event, chosen));
    ExitCode::SUCCESS
}

/// An event of the catalog and one of its versions (default: the newest), or the error, with a
/// did-you-mean, and the exit status for it.
fn choose<'c>(
    catalog: &'c Catalog,
    name: &str,
    version: Option<&str>,
) -> Result<(&'c Event, &'c Version), ExitCode> {
    let Some(event) = catalog.event(name) else {
        let help = did_you_mean(name, catalog.events.iter().map(|e| e.name.as_str()))
            .unwrap_or_else(|| "`cargo run -- docs` lists the events".into());
        eprintln!("error: `{name}` is not an event of the catalog; {help}");
        return Err(ExitCode::from(EXIT_UNREADABLE));
    };
    let chosen = match version {
        None => Some(event.newest()),
        Some(version) => event
            .versions
            .iter()
            .find(|v| v.version.to_string() == version),
    };
    chosen.map(|chosen| (event, chosen)).ok_or_else(|| {
        let listed: Vec<String> = event
            .versions
            .iter()
            .map(|v| v.version.to_string())
            .collect();
        eprintln!(
            "error: `{name}` has no schema version `{}`; the catalog lists {}",
            version.unwrap_or_default(),
            listed.join(", ")
        );
        ExitCode::from(EXIT_UNREADABLE)
    })
}

/// What `sample` prints.
pub enum SampleMode {
    /// One sample, required fields only.
    Minimal,
    /// One sample, every optional field and non-empty arrays.
    Full,
    /// `count` random samples from `seed`.
    Random { count: usize, seed: u64 },
}

pub fn sample(path: &Path, name: &str, version: Option<&str>, mode: SampleMode) -> ExitCode {
    let catalog = match load(path) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let (event, chosen) = match choose(&catalog, name, version) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    // The host sends received events; a send event is what the partner's SDK posts.
    let line = |fill: &mut sample::Fill<'_>| {
        let payload = sample::payload(&catalog, chosen, fill);
        match event.direction {
            Direction::Received => println!("{}", sample::message(event, chosen, &payload)),
            Direction::Send => println!("{}", sample::send_request(event, &payload)),
        }
    };
    match mode {
        SampleMode::Minimal => line(&mut sample::Fill::Minimal),
        SampleMode::Full => line(&mut sample::Fill::Full),
        SampleMode::Random { count, seed } => {
            let mut rng = fastrand::Rng::with_seed(seed);
            for _ in 0..count {
                line(&mut sample::Fill::Random(&mut rng));
            }
        }
    }
    ExitCode::SUCCESS
}

fn runtime_date(date: partner_events_catalog::Date) -> CatalogDate {
    CatalogDate::new(date.year(), date.month(), date.day())
}

/// The event's lifecycle in the runtime's terms, so that `lifecycle` and decoding apply the same
/// rule (`Lifecycle::status_on`).
fn lifecycle_of(event: &Event) -> Lifecycle {
    Lifecycle {
        active: runtime_date(event.active),
        deprecation: event.deprecation.map(runtime_date),
        sunset: event.sunset.map(runtime_date),
        // named from the model where shown; the runtime type wants a 'static name
        replaced_by: None,
    }
}

pub fn lifecycle(path: &Path, as_of: Option<CatalogDate>, as_json: bool) -> ExitCode {
    let catalog = match load(path) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let today = as_of.unwrap_or_else(CatalogDate::today_utc);
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    for event in &catalog.events {
        let status = lifecycle_of(event).status_on(today);
        let days_to_sunset = event
            .sunset
            .map(|s| runtime_date(s).days_since_epoch() - today.days_since_epoch());
        let soon = matches!(days_to_sunset, Some(days) if (0..=SUNSET_SOON_DAYS).contains(&days));
        let (word, detail) = match status {
            LifecycleStatus::NotYetActive { active } => {
                ("not yet active", format!("active from {active}"))
            }
            LifecycleStatus::Active => ("active", String::new()),
            LifecycleStatus::Deprecated { sunset, .. } => (
                "deprecated",
                match (sunset, days_to_sunset) {
                    (Some(sunset), Some(days)) => {
                        format!("{days} day(s) left to sunset on {sunset}")
                    }
                    _ => "no sunset date".to_owned(),
                },
            ),
            LifecycleStatus::Sunset { sunset, .. } => ("sunset", format!("since {sunset}")),
            // a status this tool does not know yet: its word, without detail
            other => (other.as_str(), String::new()),
        };
        let mut detail = detail;
        if let Some(replacement) = &event.replaced_by {
            if status != LifecycleStatus::Active {
                detail.push_str(&format!("; use {replacement}"));
            }
        }
        let mark = if soon { "SUNSET SOON" } else { "" };
        entries.push(json!({
            "event": event.name,
            "direction": event.direction.as_str(),
            "status": word.replace(' ', "_"),
            "active": event.active.to_string(),
            "deprecation": event.deprecation.map(|d| d.to_string()),
            "sunset": event.sunset.map(|d| d.to_string()),
            "days_to_sunset": days_to_sunset,
            "sunset_within_30_days": soon,
            "replaced_by": event.replaced_by,
        }));
        rows.push(vec![
            event.name.clone(),
            word.to_owned(),
            detail,
            mark.to_owned(),
        ]);
    }
    if as_json {
        print_json(&json!({"as_of": today.to_string(), "events": entries}));
    } else {
        println!("Lifecycle on {today}\n");
        print!("{}", docs::table(&["event", "status", "detail", ""], &rows));
    }
    ExitCode::SUCCESS
}

pub fn diff(old: &Path, new: &Path) -> ExitCode {
    let (old_catalog, new_catalog) = match (load(old), load(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let changes = partner_events_catalog::diff::diff(&old_catalog, &new_catalog);
    if changes.is_empty() {
        println!("no changes");
        return ExitCode::SUCCESS;
    }
    for change in &changes {
        println!("{change}");
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    println!("{} change(s), {breaking} breaking", changes.len());
    if breaking > 0 {
        ExitCode::from(EXIT_PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
}
