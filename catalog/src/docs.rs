//! The documentation page, rendered from the catalog.
//!
//! The same row renderer feeds the `docs` command (which reproduces the public documentation
//! tables cell for cell) and every generated type's rustdoc, so the two cannot drift apart.

use crate::date::Date;

use crate::model::{Catalog, Direction, Event, Object, Payload};

/// The columns of the documentation tables.
pub const COLUMNS: [&str; 6] = [
    "event name",
    "schema versions",
    "status",
    "active date",
    "deprecation date",
    "sunset date",
];

const INTRO: &str = "# events

8x8 products provide a comprehensive set of events that partners can receive, enabling enhanced integration capabilities. Partners also have the ability to send events to the 8x8 platform.

>
> Note: Event availability varies by integration type. To determine which events are available for a specific integration, use the `partnerSDK.system.getEvents()` method from the [SDK](https://www.npmjs.com/package/@8x8/pui-partner-comm#getevents).
>
>
>
";

/// A date as the documentation writes it: `26 March 2025`.
pub fn format_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month_name(), date.year())
}

fn optional_date(date: Option<Date>) -> String {
    date.map_or_else(|| "-".to_owned(), format_date)
}

/// The six cells of an event's table row.
pub fn row_cells(event: &Event) -> [String; 6] {
    let name = match &event.doc_link {
        Some(link) => format!("[{}]({link})", event.name),
        None => event.name.clone(),
    };
    let versions: Vec<String> = event
        .versions
        .iter()
        .map(|v| v.version.to_string())
        .collect();
    [
        name,
        versions.join(", "),
        event.status.as_str().to_owned(),
        format_date(event.active),
        optional_date(event.deprecation),
        optional_date(event.sunset),
    ]
}

/// A markdown table of rows, padded so the source lines up as the documentation's does.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = String>| -> String {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!(" {cell:<width$} "))
            .collect();
        format!("|{}|\n", padded.join("|"))
    };
    let mut out = line(&mut header.iter().map(|h| (*h).to_owned()));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in rows {
        out.push_str(&line(&mut row.iter().cloned()));
    }
    out
}

/// The table of one direction's events.
pub fn events_table<'a>(events: impl Iterator<Item = &'a Event>) -> String {
    let rows: Vec<Vec<String>> = events.map(|e| row_cells(e).to_vec()).collect();
    table(&COLUMNS, &rows)
}

/// The whole documentation page: the "Received" and "Send" tables.
pub fn page(catalog: &Catalog) -> String {
    format!(
        "{INTRO}\n## Received\n\nThe following table lists the events that can be received:\n\n{}\n## Send\n\nThe following table lists the events that can be sent using the `system.sendEvent` method:\n\n{}",
        events_table(catalog.events_of(Direction::Received)),
        events_table(catalog.events_of(Direction::Send)),
    )
}

/// A markdown table of an object's fields, for rustdoc.
pub fn fields_table(object: &Object) -> String {
    let rows: Vec<Vec<String>> = object
        .fields
        .iter()
        .map(|field| {
            let mut presence = if field.optional {
                "optional"
            } else {
                "required"
            }
            .to_owned();
            if field.nullable {
                presence.push_str(", nullable");
            }
            vec![
                format!("`{}`", field.wire_name),
                field.ty.to_string(),
                presence,
            ]
        })
        .collect();
    table(&["field", "type", "presence"], &rows)
}

/// The rustdoc of an event's generated type: its table row, lifecycle, and payload fields.
pub fn event_rustdoc(event: &Event, version: &crate::model::Version) -> String {
    let mut doc = format!("The `{}` event", event.name);
    if event.versions.len() > 1 {
        doc.push_str(&format!(", schema version {}", version.version));
    }
    let direction = match event.direction {
        Direction::Received => " (received: the 8x8 host sends it to the partner app).",
        Direction::Send => " (send: the partner app sends it with `system.sendEvent`).",
    };
    doc.push_str(direction);
    if let Some(text) = &event.doc {
        doc.push_str("\n\n");
        doc.push_str(text);
    }
    doc.push_str("\n\n# Catalog row\n\n");
    doc.push_str(&table(&COLUMNS, &[row_cells(event).to_vec()]));
    if let Some(replacement) = &event.replaced_by {
        doc.push_str(&format!("\nReplaced by `{replacement}`.\n"));
    }
    doc.push_str("\n# Payload\n\n");
    match &version.payload {
        Payload::Open(why) => {
            doc.push_str(
                "**Payload not yet documented.** The whole payload is kept as open JSON.\n\n",
            );
            doc.push_str(why);
            doc.push('\n');
        }
        Payload::Object(object) => {
            if !object.extends.is_empty() {
                let bases: Vec<String> =
                    object.extends.iter().map(|b| format!("[`{b}`]")).collect();
                doc.push_str(&format!("Includes the fields of {}.\n\n", bases.join(", ")));
            }
            doc.push_str(&fields_table(object));
        }
    }
    doc
}
