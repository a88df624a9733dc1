//! The rules that need the whole catalog: repeated names, colliding Rust names, shapes that
//! contain themselves.

use super::*;

impl Loader<'_> {
    pub(super) fn check_catalog(&mut self, catalog: &Catalog) {
        // Repeated event names. Repeats are reported once, as repeats, not again as colliding
        // Rust names.
        let mut first_seen: HashMap<&str, Position> = HashMap::new();
        let mut repeats: BTreeSet<Position> = BTreeSet::new();
        for (name, position) in &self.event_names {
            match first_seen.get(name.as_str()) {
                Some(first) => {
                    repeats.insert(*position);
                    self.diagnostics.error(
                        *position,
                        Some(name),
                        format!(
                            "event `{name}` is defined twice (first at line {})",
                            first.line
                        ),
                    );
                }
                None => {
                    first_seen.insert(name, *position);
                }
            }
        }
        for (event, target, position) in &self.replacements {
            if target == event {
                self.diagnostics.error(
                    *position,
                    Some(event),
                    "`replaced_by` names the event itself",
                );
            } else if !first_seen.contains_key(target.as_str()) {
                let help = did_you_mean(target, first_seen.keys().copied());
                self.diagnostics.error_with_help(
                    *position,
                    Some(event),
                    format!(
                        "`replaced_by` names `{target}`, which is not an event in this catalog"
                    ),
                    help,
                );
            }
        }
        // Shapes that refer to themselves by value would be infinitely large Rust types.
        for shape in catalog.shapes.values() {
            if let Some(path) = self_reference(&shape.name, &shape.ty, catalog, &mut Vec::new()) {
                self.diagnostics.error(
                    shape.position,
                    None,
                    format!(
                        "shape `{}` contains itself ({}); recursive shapes are not supported",
                        shape.name,
                        path.join(" -> ")
                    ),
                );
            }
        }
        // Rust names: every generated type, and the fields of every struct.
        let mut seen: HashMap<String, (Position, Option<String>)> = HashMap::new();
        for def in layout::type_defs(catalog) {
            if let layout::Owner::Event(event, _) | layout::Owner::Nested { event: Some(event) } =
                def.owner
            {
                if repeats.contains(&event.position) {
                    continue;
                }
            }
            let event = def.owner.event_name().map(str::to_owned);
            if RESERVED_TYPE_NAMES.contains(&def.name.as_str()) {
                self.diagnostics.error(
                    def.position,
                    event.as_deref(),
                    format!(
                        "the Rust type name `{}` is reserved for the generated dispatch",
                        def.name
                    ),
                );
            }
            match seen.get(&def.name) {
                Some((first, first_event)) => {
                    let whose = first_event
                        .as_ref()
                        .map(|e| format!(" (event `{e}`)"))
                        .unwrap_or_default();
                    self.diagnostics.error(
                        def.position,
                        event.as_deref(),
                        format!(
                            "this would become the Rust type `{}`, which line {}{whose} already becomes",
                            def.name, first.line
                        ),
                    );
                }
                None => {
                    seen.insert(def.name.clone(), (def.position, event.clone()));
                }
            }
            if let layout::DefKind::Struct(object) = def.kind {
                let mut fields: HashMap<String, &str> = HashMap::new();
                for field in &object.fields {
                    let rust = naming::field_name(&field.wire_name);
                    if let Some(other) = fields.get(&rust) {
                        self.diagnostics.error(
                            field.position,
                            event.as_deref(),
                            format!("fields `{other}` and `{}` would both become the Rust field `{rust}`", field.wire_name),
                        );
                    } else {
                        fields.insert(rust, &field.wire_name);
                    }
                }
            }
        }
        for name in &self.shape_names {
            if !self.used_shapes.contains(name) {
                if let Some(shape) = catalog.shapes.get(name) {
                    self.diagnostics.warning(
                        shape.position,
                        None,
                        format!("shape `{name}` is never used"),
                    );
                }
            }
        }
    }
}

/// The path by which `ty` contains the shape `target` by value (not through an array or map).
fn self_reference(
    target: &str,
    ty: &Type,
    catalog: &Catalog,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    match ty {
        Type::Named(name) => {
            if name == target {
                let mut found = path.clone();
                found.push(name.clone());
                return Some(found);
            }
            if path.contains(name) {
                return None;
            }
            path.push(name.clone());
            let found = catalog
                .shapes
                .get(name)
                .and_then(|shape| self_reference(target, &shape.ty, catalog, path));
            path.pop();
            found
        }
        Type::Object(object) => object
            .fields
            .iter()
            .find_map(|field| self_reference(target, &field.ty, catalog, path)),
        Type::Union(variants) => variants
            .iter()
            .find_map(|variant| self_reference(target, variant, catalog, path)),
        _ => None,
    }
}
