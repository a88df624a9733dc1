//! Resolving `extends`: every object that extends shapes gets their fields, in dependency order.

use super::*;

impl Loader<'_> {
    /// Copies base shapes' fields into every object that `extends` them.
    pub(super) fn resolve_extends(&mut self, catalog: &mut Catalog) {
        // Shapes first, in dependency order, so a shape's bases are complete when it is resolved.
        let mut resolved: BTreeMap<String, Object> = BTreeMap::new();
        let names: Vec<String> = catalog.shapes.keys().cloned().collect();
        for name in &names {
            let mut visiting = Vec::new();
            self.resolve_shape(name, catalog, &mut resolved, &mut visiting);
        }
        for (name, object) in &resolved {
            if let Some(shape) = catalog.shapes.get_mut(name) {
                if let Type::Object(target) = &mut shape.ty {
                    *target = object.clone();
                }
            }
        }
        // Inline objects inside shapes, then events.
        for shape in catalog.shapes.values_mut() {
            let mut ty = std::mem::replace(&mut shape.ty, Type::Json);
            self.resolve_nested(&mut ty, &resolved, true);
            shape.ty = ty;
        }
        for event in &mut catalog.events {
            self.event = Some(event.name.clone());
            for version in &mut event.versions {
                if let Payload::Object(object) = &mut version.payload {
                    self.resolve_object(object, &resolved);
                    for field in &mut object.fields {
                        self.resolve_nested(&mut field.ty, &resolved, false);
                    }
                }
            }
        }
        self.event = None;
    }

    pub(super) fn resolve_shape(
        &mut self,
        name: &str,
        catalog: &Catalog,
        resolved: &mut BTreeMap<String, Object>,
        visiting: &mut Vec<String>,
    ) {
        if resolved.contains_key(name) {
            return;
        }
        let Some(shape) = catalog.shapes.get(name) else {
            return;
        };
        let Type::Object(object) = &shape.ty else {
            return;
        };
        if visiting.iter().any(|v| v == name) {
            self.error(
                shape.position,
                format!(
                    "shape `{name}` extends itself through {}",
                    visiting.join(" -> ")
                ),
            );
            return;
        }
        visiting.push(name.to_owned());
        for base in &object.extends {
            self.resolve_shape(base, catalog, resolved, visiting);
        }
        visiting.pop();
        let mut object = object.clone();
        self.resolve_object(&mut object, resolved);
        resolved.insert(name.to_owned(), object);
    }

    /// Prepends the fields of `object.extends` (each already resolved in `resolved`).
    pub(super) fn resolve_object(
        &mut self,
        object: &mut Object,
        resolved: &BTreeMap<String, Object>,
    ) {
        if object.extends.is_empty() {
            return;
        }
        let mut fields: Vec<Field> = Vec::new();
        for base in &object.extends {
            match resolved.get(base) {
                Some(base_object) => {
                    for field in &base_object.fields {
                        if !fields.iter().any(|f| f.wire_name == field.wire_name) {
                            fields.push(field.clone());
                        }
                    }
                }
                None => {
                    let position = object
                        .fields
                        .first()
                        .map(|f| f.position)
                        .unwrap_or_default();
                    self.error(
                        position,
                        format!("`extends` names `{base}`, which is not an object shape"),
                    );
                }
            }
        }
        for field in std::mem::take(&mut object.fields) {
            if fields.iter().any(|f| f.wire_name == field.wire_name) {
                self.error_with_help(
                    field.position,
                    format!(
                        "field `{}` is already defined by a shape this object extends",
                        field.wire_name
                    ),
                    Some("remove it here, or stop extending the shape".into()),
                );
                continue;
            }
            fields.push(field);
        }
        object.fields = fields;
    }

    pub(super) fn resolve_nested(
        &mut self,
        ty: &mut Type,
        resolved: &BTreeMap<String, Object>,
        is_shape_root: bool,
    ) {
        match ty {
            Type::Object(object) => {
                if !is_shape_root {
                    self.resolve_object(object, resolved);
                }
                for field in &mut object.fields {
                    self.resolve_nested(&mut field.ty, resolved, false);
                }
            }
            Type::Array(inner) | Type::Map(inner) => self.resolve_nested(inner, resolved, false),
            Type::Union(variants) => {
                for variant in variants {
                    self.resolve_nested(variant, resolved, false);
                }
            }
            _ => {}
        }
    }
}
