//! Reading field types: scalar words, shape references, objects, arrays, maps, literals, enums,
//! unions, and what the host sends.

use super::*;

impl Loader<'_> {
    /// An object from `fields:` and `extends:` (extends is resolved later).
    pub(super) fn object(&mut self, keys: &Keys<'_>, what: &str) -> Option<Object> {
        let extends = match keys.get("extends") {
            None => Vec::new(),
            Some(node) => self.extends(node)?,
        };
        let fields = match keys.get("fields") {
            Some(node) if node.value == Value::Null || node.value == Value::Mapping(Vec::new()) => {
                Vec::new()
            }
            Some(node) => self.fields(node)?,
            // an object made only of its base shapes
            None if !extends.is_empty() => Vec::new(),
            None => {
                self.error(
                    keys.position,
                    format!("missing required key `fields` in {what}"),
                );
                return None;
            }
        };
        Some(Object { extends, fields })
    }

    pub(super) fn extends(&mut self, node: &Node) -> Option<Vec<String>> {
        let names: Vec<&Node> = match &node.value {
            Value::Scalar(_) => vec![node],
            Value::Sequence(items) => items.iter().collect(),
            other => {
                self.error(
                    node.position,
                    format!("`extends` must name shapes, found {}", other.kind()),
                );
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for name_node in names {
            match self.string(name_node, "a shape name in `extends`") {
                Some(name) if self.shape_reference(&name, name_node.position) => out.push(name),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Checks a reference to a shape, recording it as used.
    pub(super) fn shape_reference(&mut self, name: &str, position: Position) -> bool {
        if self.shape_names.contains(name) {
            self.used_shapes.insert(name.to_owned());
            return true;
        }
        let help = did_you_mean(name, self.shape_names.iter().map(String::as_str))
            .or(Some("define it under `shapes:`".into()));
        self.error_with_help(position, format!("shape `{name}` is not defined"), help);
        false
    }

    pub(super) fn fields(&mut self, node: &Node) -> Option<Vec<Field>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "`fields` must map field names to types, found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        let mut fields = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let Some(wire_name) = self.string(key, "a field name") else {
                ok = false;
                continue;
            };
            if fields.iter().any(|f: &Field| f.wire_name == wire_name) {
                self.error(
                    key.position,
                    format!("field `{wire_name}` is defined twice"),
                );
                ok = false;
                continue;
            }
            if !naming::is_valid_wire_field_name(&wire_name) {
                self.error_with_help(
                    key.position,
                    format!("field name `{wire_name}` cannot become a Rust field"),
                    Some("field names use ASCII letters, digits and `_`, and do not start with a digit".into()),
                );
                ok = false;
                continue;
            }
            match self.field(&wire_name, key.position, value) {
                Some(field) => fields.push(field),
                None => ok = false,
            }
        }
        ok.then_some(fields)
    }

    pub(super) fn field(
        &mut self,
        wire_name: &str,
        position: Position,
        node: &Node,
    ) -> Option<Field> {
        let what = format!("field `{wire_name}`");
        let mut field = Field {
            wire_name: wire_name.to_owned(),
            ty: Type::Json,
            optional: false,
            nullable: false,
            doc: None,
            host_sends: None,
            position,
        };
        if let Value::Mapping(_) = node.value {
            let known: Vec<&str> = TYPE_KEYS.iter().chain(FIELD_ONLY_KEYS).copied().collect();
            let keys = self.keys(node, &known, &what)?;
            let optional = keys.get("optional").map(|n| self.boolean(n, "`optional`"));
            let nullable = keys.get("nullable").map(|n| self.boolean(n, "`nullable`"));
            let doc = keys.get("doc").map(|n| self.string(n, "`doc`"));
            field.ty = self.type_mapping(node, &keys, &what)?;
            field.optional = optional.unwrap_or(Some(false))?;
            field.nullable = nullable.unwrap_or(Some(false))?;
            field.doc = doc.unwrap_or(None);
            if let Some(node) = keys.get("host_sends") {
                field.host_sends = self.host_sends(node, &field.ty, &what);
            }
        } else {
            field.ty = self.type_expr(node, &what)?;
        }
        Some(field)
    }

    /// A type written as a word (`string`, `ChatMessage`) or as a mapping.
    pub(super) fn type_expr(&mut self, node: &Node, what: &str) -> Option<Type> {
        match &node.value {
            Value::Scalar(word) => self.type_word(word, node.position),
            Value::Mapping(_) => {
                let keys = self.keys(node, TYPE_KEYS, what)?;
                self.type_mapping(node, &keys, what)
            }
            other => {
                self.error(
                    node.position,
                    format!(
                        "the type of {what} must be a type name or a mapping, found {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    pub(super) fn type_word(&mut self, word: &str, position: Position) -> Option<Type> {
        match word {
            "string" => Some(Type::String),
            "number" => Some(Type::Number),
            "boolean" => Some(Type::Boolean),
            "json" => Some(Type::Json),
            _ if word.starts_with(|c: char| c.is_ascii_uppercase()) => self
                .shape_reference(word, position)
                .then(|| Type::Named(word.to_owned())),
            _ => {
                let candidates = SCALAR_TYPES
                    .iter()
                    .copied()
                    .chain(self.shape_names.iter().map(String::as_str));
                let help = did_you_mean(word, candidates).or(Some(
                    "a type is `string`, `number`, `boolean`, `json`, a shape name, or a mapping"
                        .into(),
                ));
                self.error_with_help(position, format!("unknown type `{word}`"), help);
                None
            }
        }
    }

    /// A type written as a mapping whose keys were already checked.
    pub(super) fn type_mapping(
        &mut self,
        node: &Node,
        keys: &Keys<'_>,
        what: &str,
    ) -> Option<Type> {
        let forms: Vec<&str> = ["enum", "literal", "one_of", "fields", "items", "values"]
            .into_iter()
            .filter(|k| keys.has(k))
            .collect();
        if forms.len() > 1 {
            self.error(
                keys.key_position(forms[1]),
                format!(
                    "{what} combines `{}` and `{}`; a type has one form",
                    forms[0], forms[1]
                ),
            );
            return None;
        }
        let declared = match keys.get("type") {
            None => None,
            Some(n) => {
                let word = self.string(n, "`type`")?;
                Some((word, n.position))
            }
        };
        let form = forms.first().copied();
        let expected_type_word = match form {
            Some("fields") => Some("object"),
            Some("items") => Some("array"),
            Some("values") => Some("map"),
            _ => None,
        };
        if let (Some((word, position)), Some(form)) = (&declared, form) {
            if expected_type_word != Some(word.as_str()) {
                self.error(
                    *position,
                    format!("{what} has `type: {word}` together with `{form}`"),
                );
                return None;
            }
        }
        if form != Some("fields") && keys.has("extends") {
            self.error(
                keys.key_position("extends"),
                format!("`extends` in {what} needs `fields`"),
            );
            return None;
        }
        match form {
            Some("enum") => self.enum_values(keys.get("enum")?, what).map(Type::Enum),
            Some("literal") => {
                let node = keys.get("literal")?;
                let value = self.string(node, "`literal`")?;
                // the literal's type is an enum of one variant, named from the value (as an
                // enum value's is, with the same rule)
                if naming::variant_name(&value).is_empty() {
                    self.error(
                        node.position,
                        format!(
                            "literal `{value}` has no letters or digits to name a Rust variant"
                        ),
                    );
                    return None;
                }
                Some(Type::Literal(value))
            }
            Some("one_of") => self.union(keys.get("one_of")?, what),
            Some("fields") => self.object(keys, what).map(Type::Object),
            Some("items") => self
                .type_expr(keys.get("items")?, &format!("the items of {what}"))
                .map(|t| Type::Array(Box::new(t))),
            Some("values") => self
                .type_expr(keys.get("values")?, &format!("the values of {what}"))
                .map(|t| Type::Map(Box::new(t))),
            _ => match declared {
                Some((word, position)) => match word.as_str() {
                    "object" => {
                        self.error(position, format!("{what} is an object but has no `fields`"));
                        None
                    }
                    "array" => {
                        self.error(position, format!("{what} is an array but has no `items`"));
                        None
                    }
                    "map" => {
                        self.error(position, format!("{what} is a map but has no `values`"));
                        None
                    }
                    _ => {
                        if !TYPE_WORDS.contains(&word.as_str())
                            && !word.starts_with(|c: char| c.is_ascii_uppercase())
                        {
                            let help = did_you_mean(
                                &word,
                                TYPE_WORDS
                                    .iter()
                                    .copied()
                                    .chain(self.shape_names.iter().map(String::as_str)),
                            );
                            self.error_with_help(position, format!("unknown type `{word}`"), help);
                            return None;
                        }
                        self.type_word(&word, position)
                    }
                },
                None => {
                    self.error_with_help(
                        node.position,
                        format!("{what} does not say its type"),
                        Some("add `type:`, `enum:`, `literal:`, `one_of:`, `fields:`, `items:` or `values:`".into()),
                    );
                    None
                }
            },
        }
    }

    /// `host_sends:` of an enum field: some of its values, each at most once.
    pub(super) fn host_sends(&mut self, node: &Node, ty: &Type, what: &str) -> Option<Vec<String>> {
        let Type::Enum(values) = ty else {
            self.error(
                node.position,
                format!("`host_sends` of {what} narrows an enum, and the field is not an `enum`"),
            );
            return None;
        };
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`host_sends` of {what} must be a list of the enum's values"),
            );
            return None;
        };
        let mut sends = Vec::new();
        for item in items {
            let value = self.string(item, "a `host_sends` value")?;
            if !values.contains(&value) {
                let help = did_you_mean(&value, values.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the enum's values are {}", values.join(", ")));
                self.error(
                    item.position,
                    format!("`host_sends` of {what} lists `{value}`, which is not a value of its enum; {help}"),
                );
                return None;
            }
            if sends.contains(&value) {
                self.error(
                    item.position,
                    format!("`host_sends` of {what} lists `{value}` twice"),
                );
                return None;
            }
            sends.push(value);
        }
        if sends.is_empty() {
            self.error(node.position, format!("`host_sends` of {what} is empty"));
            return None;
        }
        Some(sends)
    }

    pub(super) fn enum_values(&mut self, node: &Node, what: &str) -> Option<Vec<String>> {
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`enum` of {what} must be a list of strings"),
            );
            return None;
        };
        if items.is_empty() {
            self.error(node.position, format!("`enum` of {what} is empty"));
            return None;
        }
        let mut values: Vec<String> = Vec::new();
        let mut variants: HashMap<String, String> = HashMap::new();
        let mut ok = true;
        for item in items {
            let Some(value) = self.string(item, "an enum value") else {
                ok = false;
                continue;
            };
            let variant = naming::variant_name(&value);
            if let Some(previous) = variants.get(&variant) {
                let message = if *previous == value {
                    format!("enum value `{value}` is listed twice")
                } else {
                    format!("enum values `{previous}` and `{value}` would both become the Rust variant `{variant}`")
                };
                self.error(item.position, message);
                ok = false;
                continue;
            }
            if variant.is_empty() {
                self.error(
                    item.position,
                    format!("enum value `{value}` has no letters or digits to name a Rust variant"),
                );
                ok = false;
                continue;
            }
            variants.insert(variant, value.clone());
            values.push(value);
        }
        ok.then_some(values)
    }

    pub(super) fn union(&mut self, node: &Node, what: &str) -> Option<Type> {
        let Value::Sequence(items) = &node.value else {
            self.error(
                node.position,
                format!("`one_of` of {what} must be a list of types"),
            );
            return None;
        };
        if items.len() < 2 {
            self.error(
                node.position,
                format!("`one_of` of {what} needs at least two types"),
            );
            return None;
        }
        let mut variants = Vec::new();
        let mut names = BTreeSet::new();
        let mut ok = true;
        for item in items {
            match self.type_expr(item, &format!("an alternative of {what}")) {
                Some(ty) => {
                    let name = naming::union_variant_name(&ty);
                    if !names.insert(name.clone()) {
                        self.error(
                            item.position,
                            format!("two alternatives of {what} would both become the Rust variant `{name}`"),
                        );
                        ok = false;
                    }
                    variants.push(ty);
                }
                None => ok = false,
            }
        }
        ok.then_some(Type::Union(variants))
    }
}
