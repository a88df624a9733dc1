///The `Base` shape of the catalog.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
)]
pub struct Base {
    ///`id`: string, required.
    pub id: ::std::string::String,
    ///`schemaVersion`: "1.0.0", required.
    pub schema_version: BaseSchemaVersion,
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::serde::Serialize for Base {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        use ::partner_events::__private as __p;
        let mut __s = __p::serialize_struct(__serializer, "Base", 2usize, &[])?;
        __p::write(&mut __s, "id", &self.id)?;
        __p::write(&mut __s, "schemaVersion", &self.schema_version)?;
        __p::serde::ser::SerializeStruct::end(__s)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl<'de> ::partner_events::__private::serde::Deserialize<'de> for Base {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_struct(__deserializer)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::FromMap for Base {
    const EXPECTING: &'static str = "struct Base";
    fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
    where
        __A: ::partner_events::__private::serde::de::MapAccess<'de>,
    {
        use ::partner_events::__private as __p;
        let mut __0 = ::core::option::Option::None;
        let mut __1 = ::core::option::Option::None;
        while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
            match &*__k {
                "id" => __p::field(&mut __m, &mut __0, "id")?,
                "schemaVersion" => __p::field(&mut __m, &mut __1, "schemaVersion")?,
                _ => __p::skip(&mut __m, &__k)?,
            }
        }
        ::core::result::Result::Ok(Base {
            id: __p::required(__0, "id")?,
            schema_version: __p::required(__1, "schemaVersion")?,
        })
    }
}
///Part of a catalog shape.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::marker::Copy,
    ::core::hash::Hash,
)]
#[derive(::core::default::Default)]
pub enum BaseSchemaVersion {
    ///`"1.0.0"`, the only value accepted.
    #[default]
    V1_0_0,
}
#[automatically_derived]
impl BaseSchemaVersion {
    /// The literal, as it is on the wire.
    pub const VALUE: &'static str = "1.0.0";
}
#[automatically_derived]
impl ::partner_events::__private::serde::Serialize for BaseSchemaVersion {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        __serializer.serialize_str(Self::VALUE)
    }
}
#[automatically_derived]
impl<'de> ::partner_events::__private::serde::Deserialize<'de> for BaseSchemaVersion {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_variant(
            __deserializer,
            &["1.0.0"],
            &[BaseSchemaVersion::V1_0_0],
        )
    }
}
///Which way the interaction went.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::marker::Copy,
    ::core::hash::Hash,
)]
pub enum Direction {
    ///`"inbound"`
    Inbound,
    ///`"outbound"`
    Outbound,
}
#[automatically_derived]
impl Direction {
    /// The value as it is on the wire.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}
#[automatically_derived]
impl ::partner_events::__private::serde::Serialize for Direction {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        __serializer.serialize_str(self.as_str())
    }
}
#[automatically_derived]
impl<'de> ::partner_events::__private::serde::Deserialize<'de> for Direction {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_variant(
            __deserializer,
            &["inbound", "outbound"],
            &[Direction::Inbound, Direction::Outbound],
        )
    }
}
/**The `demo-ping-v1` event (received: the 8x8 host sends it to the partner app).

The old ping.

# Catalog row

| event name   | schema versions | status | active date    | deprecation date | sunset date    |
|--------------|-----------------|--------|----------------|------------------|----------------|
| demo-ping-v1 | 1.0.0           | active | 1 January 2025 | 1 June 2025      | 1 January 2026 |

Replaced by `demo-ping-v2`.

# Payload

Includes the fields of [`Base`].

| field           | type              | presence |
|-----------------|-------------------|----------|
| `id`            | string            | required |
| `schemaVersion` | "1.0.0"           | required |
| `direction`     | Direction         | required |
| `type`          | one of "a-b", "c" | required |
*/
#[allow(clippy::deprecated_semver)]
#[deprecated(
    since = "2025-06-01",
    note = "`demo-ping-v1` is deprecated since 1 June 2025 and sunsets on 1 January 2026; use `demo-ping-v2` (`DemoPingV2`) instead"
)]
pub type DemoPingV1 = deprecated_events::DemoPingV1;
///Part of the `demo-ping-v1` event's payload.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::marker::Copy,
    ::core::hash::Hash,
)]
#[derive(::core::default::Default)]
pub enum DemoPingV1SchemaVersion {
    ///`"1.0.0"`, the only value accepted.
    #[default]
    V1_0_0,
}
#[automatically_derived]
impl DemoPingV1SchemaVersion {
    /// The literal, as it is on the wire.
    pub const VALUE: &'static str = "1.0.0";
}
#[automatically_derived]
impl ::partner_events::__private::serde::Serialize for DemoPingV1SchemaVersion {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        __serializer.serialize_str(Self::VALUE)
    }
}
#[automatically_derived]
impl<'de> ::partner_events::__private::serde::Deserialize<'de>
for DemoPingV1SchemaVersion {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_variant(
            __deserializer,
            &["1.0.0"],
            &[DemoPingV1SchemaVersion::V1_0_0],
        )
    }
}
///Part of the `demo-ping-v1` event's payload.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::marker::Copy,
    ::core::hash::Hash,
)]
pub enum DemoPingV1Type {
    ///`"a-b"`
    AB,
    ///`"c"`
    C,
}
#[automatically_derived]
impl DemoPingV1Type {
    /// The value as it is on the wire.
    pub const fn as_str(&self) -> &'static str {
        match self {
            DemoPingV1Type::AB => "a-b",
            DemoPingV1Type::C => "c",
        }
    }
}
#[automatically_derived]
impl ::partner_events::__private::serde::Serialize for DemoPingV1Type {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        __serializer.serialize_str(self.as_str())
    }
}
#[automatically_derived]
impl<'de> ::partner_events::__private::serde::Deserialize<'de> for DemoPingV1Type {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_variant(
            __deserializer,
            &["a-b", "c"],
            &[DemoPingV1Type::AB, DemoPingV1Type::C],
        )
    }
}
/**The `demo-ping-v2` event, schema version 2.0.0 (received: the 8x8 host sends it to the partner app).

# Catalog row

| event name                         | schema versions | status | active date | deprecation date | sunset date |
|------------------------------------|-----------------|--------|-------------|------------------|-------------|
| [demo-ping-v2](/docs/demo-ping-v2) | 2.0.0, 2.1.0    | active | 1 June 2025 | -                | -           |

# Payload

| field   | type            | presence           |
|---------|-----------------|--------------------|
| `id`    | string          | required           |
| `note`  | string          | optional, nullable |
| `count` | number          | required, nullable |
| `tags`  | array of object | optional           |
*/
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
)]
pub struct DemoPingV2Schema2_0_0 {
    ///`id`: string, required.
    pub id: ::std::string::String,
    ///`note`: string, optional and nullable (absent is `None`, `null` is `Some(None)`).
    pub note: ::core::option::Option<::core::option::Option<::std::string::String>>,
    ///`count`: number, required, may be `null`.
    pub count: ::core::option::Option<::partner_events::__private::serde_json::Number>,
    ///`tags`: array of object, optional (absent is `None`; `null` is refused).
    pub tags: ::core::option::Option<::std::vec::Vec<DemoPingV2Schema2_0_0TagsItem>>,
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::serde::Serialize for DemoPingV2Schema2_0_0 {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        use ::partner_events::__private as __p;
        let mut __s = __p::serialize_struct(
            __serializer,
            "DemoPingV2Schema2_0_0",
            2usize,
            &[self.note.is_some(), self.tags.is_some()],
        )?;
        __p::write(&mut __s, "id", &self.id)?;
        __p::write_optional(&mut __s, "note", &self.note)?;
        __p::write(&mut __s, "count", &self.count)?;
        __p::write_optional(&mut __s, "tags", &self.tags)?;
        __p::serde::ser::SerializeStruct::end(__s)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl<'de> ::partner_events::__private::serde::Deserialize<'de>
for DemoPingV2Schema2_0_0 {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_struct(__deserializer)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::FromMap for DemoPingV2Schema2_0_0 {
    const EXPECTING: &'static str = "struct DemoPingV2Schema2_0_0";
    fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
    where
        __A: ::partner_events::__private::serde::de::MapAccess<'de>,
    {
        use ::partner_events::__private as __p;
        let mut __0 = ::core::option::Option::None;
        let mut __1 = ::core::option::Option::None;
        let mut __2 = ::core::option::Option::None;
        let mut __3 = ::core::option::Option::None;
        while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
            match &*__k {
                "id" => __p::field(&mut __m, &mut __0, "id")?,
                "note" => __p::field(&mut __m, &mut __1, "note")?,
                "count" => __p::field(&mut __m, &mut __2, "count")?,
                "tags" => {
                    __p::field_with::<
                        __p::Seq<__p::Plain>,
                        _,
                        _,
                    >(&mut __m, &mut __3, "tags")?
                }
                _ => __p::skip(&mut __m, &__k)?,
            }
        }
        ::core::result::Result::Ok(DemoPingV2Schema2_0_0 {
            id: __p::required(__0, "id")?,
            note: __1,
            count: __p::required(__2, "count")?,
            tags: __3,
        })
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::Event for DemoPingV2Schema2_0_0 {
    const NAME: &'static str = "demo-ping-v2";
    const DIRECTION: ::partner_events::Direction = ::partner_events::Direction::Received;
    const SCHEMA_VERSION: ::partner_events::SchemaVersion = ::partner_events::SchemaVersion::new(
        2u64,
        0u64,
        0u64,
    );
    const SCHEMA_VERSIONS: &'static [::partner_events::SchemaVersion] = &[
        ::partner_events::SchemaVersion::new(2u64, 0u64, 0u64),
        ::partner_events::SchemaVersion::new(2u64, 1u64, 0u64),
    ];
    const LIFECYCLE: ::partner_events::Lifecycle = ::partner_events::Lifecycle {
        active: ::partner_events::CatalogDate::new(2025i32, 6u8, 1u8),
        deprecation: ::core::option::Option::None,
        sunset: ::core::option::Option::None,
        replaced_by: ::core::option::Option::None,
    };
    const OPEN_PAYLOAD: bool = false;
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::ReceivedEvent for DemoPingV2Schema2_0_0 {}
///Part of the `demo-ping-v2` event's payload.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
)]
pub struct DemoPingV2Schema2_0_0TagsItem {
    ///`key`: string, required.
    pub key: ::std::string::String,
    ///`value`: string or number, required.
    pub value: DemoPingV2Schema2_0_0TagsItemValue,
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::serde::Serialize for DemoPingV2Schema2_0_0TagsItem {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        use ::partner_events::__private as __p;
        let mut __s = __p::serialize_struct(
            __serializer,
            "DemoPingV2Schema2_0_0TagsItem",
            2usize,
            &[],
        )?;
        __p::write(&mut __s, "key", &self.key)?;
        __p::write(&mut __s, "value", &self.value)?;
        __p::serde::ser::SerializeStruct::end(__s)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl<'de> ::partner_events::__private::serde::Deserialize<'de>
for DemoPingV2Schema2_0_0TagsItem {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_struct(__deserializer)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::FromMap for DemoPingV2Schema2_0_0TagsItem {
    const EXPECTING: &'static str = "struct DemoPingV2Schema2_0_0TagsItem";
    fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
    where
        __A: ::partner_events::__private::serde::de::MapAccess<'de>,
    {
        use ::partner_events::__private as __p;
        let mut __0 = ::core::option::Option::None;
        let mut __1 = ::core::option::Option::None;
        while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
            match &*__k {
                "key" => __p::field(&mut __m, &mut __0, "key")?,
                "value" => {
                    __p::field_with::<__p::Union, _, _>(&mut __m, &mut __1, "value")?
                }
                _ => __p::skip(&mut __m, &__k)?,
            }
        }
        ::core::result::Result::Ok(DemoPingV2Schema2_0_0TagsItem {
            key: __p::required(__0, "key")?,
            value: __p::required(__1, "value")?,
        })
    }
}
///Part of the `demo-ping-v2` event's payload.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::partner_events::__private::serde::Serialize,
    ::partner_events::__private::serde::Deserialize,
)]
#[serde(crate = "::partner_events::__private::serde")]
#[serde(untagged)]
pub enum DemoPingV2Schema2_0_0TagsItemValue {
    ///A string.
    String(::std::string::String),
    ///A number.
    Number(::partner_events::__private::serde_json::Number),
}
/**The `demo-ping-v2` event, schema version 2.1.0 (received: the 8x8 host sends it to the partner app).

# Catalog row

| event name                         | schema versions | status | active date | deprecation date | sunset date |
|------------------------------------|-----------------|--------|-------------|------------------|-------------|
| [demo-ping-v2](/docs/demo-ping-v2) | 2.0.0, 2.1.0    | active | 1 June 2025 | -                | -           |

# Payload

| field   | type                      | presence |
|---------|---------------------------|----------|
| `id`    | string                    | required |
| `extra` | map of string to any JSON | required |
*/
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
)]
pub struct DemoPingV2Schema2_1_0 {
    ///`id`: string, required.
    pub id: ::std::string::String,
    ///`extra`: map of string to any JSON, required.
    pub extra: ::std::collections::BTreeMap<
        ::std::string::String,
        ::partner_events::__private::serde_json::Value,
    >,
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::serde::Serialize for DemoPingV2Schema2_1_0 {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        use ::partner_events::__private as __p;
        let mut __s = __p::serialize_struct(
            __serializer,
            "DemoPingV2Schema2_1_0",
            2usize,
            &[],
        )?;
        __p::write(&mut __s, "id", &self.id)?;
        __p::write(&mut __s, "extra", &self.extra)?;
        __p::serde::ser::SerializeStruct::end(__s)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl<'de> ::partner_events::__private::serde::Deserialize<'de>
for DemoPingV2Schema2_1_0 {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_struct(__deserializer)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::FromMap for DemoPingV2Schema2_1_0 {
    const EXPECTING: &'static str = "struct DemoPingV2Schema2_1_0";
    fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
    where
        __A: ::partner_events::__private::serde::de::MapAccess<'de>,
    {
        use ::partner_events::__private as __p;
        let mut __0 = ::core::option::Option::None;
        let mut __1 = ::core::option::Option::None;
        while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
            match &*__k {
                "id" => __p::field(&mut __m, &mut __0, "id")?,
                "extra" => {
                    __p::field_with::<
                        __p::Map<__p::Plain>,
                        _,
                        _,
                    >(&mut __m, &mut __1, "extra")?
                }
                _ => __p::skip(&mut __m, &__k)?,
            }
        }
        ::core::result::Result::Ok(DemoPingV2Schema2_1_0 {
            id: __p::required(__0, "id")?,
            extra: __p::required(__1, "extra")?,
        })
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::Event for DemoPingV2Schema2_1_0 {
    const NAME: &'static str = "demo-ping-v2";
    const DIRECTION: ::partner_events::Direction = ::partner_events::Direction::Received;
    const SCHEMA_VERSION: ::partner_events::SchemaVersion = ::partner_events::SchemaVersion::new(
        2u64,
        1u64,
        0u64,
    );
    const SCHEMA_VERSIONS: &'static [::partner_events::SchemaVersion] = &[
        ::partner_events::SchemaVersion::new(2u64, 0u64, 0u64),
        ::partner_events::SchemaVersion::new(2u64, 1u64, 0u64),
    ];
    const LIFECYCLE: ::partner_events::Lifecycle = ::partner_events::Lifecycle {
        active: ::partner_events::CatalogDate::new(2025i32, 6u8, 1u8),
        deprecation: ::core::option::Option::None,
        sunset: ::core::option::Option::None,
        replaced_by: ::core::option::Option::None,
    };
    const OPEN_PAYLOAD: bool = false;
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::ReceivedEvent for DemoPingV2Schema2_1_0 {}
/**The `demo-open-v1` event (received: the 8x8 host sends it to the partner app).

# Catalog row

| event name   | schema versions | status | active date    | deprecation date | sunset date |
|--------------|-----------------|--------|----------------|------------------|-------------|
| demo-open-v1 | 1.0.0           | active | 1 January 2025 | -                | -           |

# Payload

**Payload not yet documented.** The whole payload is kept as open JSON.

not documented yet
*/
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::partner_events::__private::serde::Serialize,
    ::partner_events::__private::serde::Deserialize,
)]
#[serde(crate = "::partner_events::__private::serde")]
#[serde(transparent)]
pub struct DemoOpenV1(
    /// The payload as it came, since its schema is not documented yet.
    pub ::partner_events::__private::serde_json::Value,
);
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::Event for DemoOpenV1 {
    const NAME: &'static str = "demo-open-v1";
    const DIRECTION: ::partner_events::Direction = ::partner_events::Direction::Received;
    const SCHEMA_VERSION: ::partner_events::SchemaVersion = ::partner_events::SchemaVersion::new(
        1u64,
        0u64,
        0u64,
    );
    const SCHEMA_VERSIONS: &'static [::partner_events::SchemaVersion] = &[
        ::partner_events::SchemaVersion::new(1u64, 0u64, 0u64),
    ];
    const LIFECYCLE: ::partner_events::Lifecycle = ::partner_events::Lifecycle {
        active: ::partner_events::CatalogDate::new(2025i32, 1u8, 1u8),
        deprecation: ::core::option::Option::None,
        sunset: ::core::option::Option::None,
        replaced_by: ::core::option::Option::None,
    };
    const OPEN_PAYLOAD: bool = true;
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::ReceivedEvent for DemoOpenV1 {}
/**The `demo-reply-v1` event (send: the partner app sends it with `system.sendEvent`).

# Catalog row

| event name    | schema versions | status | active date    | deprecation date | sunset date |
|---------------|-----------------|--------|----------------|------------------|-------------|
| demo-reply-v1 | 1.0.0           | active | 1 January 2025 | -                | -           |

# Payload

Includes the fields of [`Base`].

| field           | type    | presence |
|-----------------|---------|----------|
| `id`            | string  | required |
| `schemaVersion` | "1.0.0" | required |
| `text`          | string  | required |
*/
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
)]
pub struct DemoReplyV1 {
    ///`id`: string, required.
    pub id: ::std::string::String,
    ///`schemaVersion`: "1.0.0", required.
    pub schema_version: DemoReplyV1SchemaVersion,
    ///`text`: string, required.
    pub text: ::std::string::String,
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::serde::Serialize for DemoReplyV1 {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        use ::partner_events::__private as __p;
        let mut __s = __p::serialize_struct(__serializer, "DemoReplyV1", 3usize, &[])?;
        __p::write(&mut __s, "id", &self.id)?;
        __p::write(&mut __s, "schemaVersion", &self.schema_version)?;
        __p::write(&mut __s, "text", &self.text)?;
        __p::serde::ser::SerializeStruct::end(__s)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl<'de> ::partner_events::__private::serde::Deserialize<'de> for DemoReplyV1 {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_struct(__deserializer)
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::__private::FromMap for DemoReplyV1 {
    const EXPECTING: &'static str = "struct DemoReplyV1";
    fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
    where
        __A: ::partner_events::__private::serde::de::MapAccess<'de>,
    {
        use ::partner_events::__private as __p;
        let mut __0 = ::core::option::Option::None;
        let mut __1 = ::core::option::Option::None;
        let mut __2 = ::core::option::Option::None;
        while let ::core::option::Option::Some(__k) = __m.next_key::<__p::Key<'de>>()? {
            match &*__k {
                "id" => __p::field(&mut __m, &mut __0, "id")?,
                "schemaVersion" => __p::field(&mut __m, &mut __1, "schemaVersion")?,
                "text" => __p::field(&mut __m, &mut __2, "text")?,
                _ => __p::skip(&mut __m, &__k)?,
            }
        }
        ::core::result::Result::Ok(DemoReplyV1 {
            id: __p::required(__0, "id")?,
            schema_version: __p::required(__1, "schemaVersion")?,
            text: __p::required(__2, "text")?,
        })
    }
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::Event for DemoReplyV1 {
    const NAME: &'static str = "demo-reply-v1";
    const DIRECTION: ::partner_events::Direction = ::partner_events::Direction::Send;
    const SCHEMA_VERSION: ::partner_events::SchemaVersion = ::partner_events::SchemaVersion::new(
        1u64,
        0u64,
        0u64,
    );
    const SCHEMA_VERSIONS: &'static [::partner_events::SchemaVersion] = &[
        ::partner_events::SchemaVersion::new(1u64, 0u64, 0u64),
    ];
    const LIFECYCLE: ::partner_events::Lifecycle = ::partner_events::Lifecycle {
        active: ::partner_events::CatalogDate::new(2025i32, 1u8, 1u8),
        deprecation: ::core::option::Option::None,
        sunset: ::core::option::Option::None,
        replaced_by: ::core::option::Option::None,
    };
    const OPEN_PAYLOAD: bool = false;
}
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::SendEvent for DemoReplyV1 {}
///Part of the `demo-reply-v1` event's payload.
#[allow(deprecated)]
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::marker::Copy,
    ::core::hash::Hash,
)]
#[derive(::core::default::Default)]
pub enum DemoReplyV1SchemaVersion {
    ///`"1.0.0"`, the only value accepted.
    #[default]
    V1_0_0,
}
#[automatically_derived]
impl DemoReplyV1SchemaVersion {
    /// The literal, as it is on the wire.
    pub const VALUE: &'static str = "1.0.0";
}
#[automatically_derived]
impl ::partner_events::__private::serde::Serialize for DemoReplyV1SchemaVersion {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        __serializer.serialize_str(Self::VALUE)
    }
}
#[automatically_derived]
impl<'de> ::partner_events::__private::serde::Deserialize<'de>
for DemoReplyV1SchemaVersion {
    fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        ::partner_events::__private::deserialize_variant(
            __deserializer,
            &["1.0.0"],
            &[DemoReplyV1SchemaVersion::V1_0_0],
        )
    }
}
/// The payload types of deprecated events, themselves not deprecated, so that their
/// fields do not each repeat the deprecation. Name them through the deprecated aliases
/// of the same name one module up, which warn.
pub mod deprecated_events {
    #[allow(unused_imports)]
    use super::*;
    /**The `demo-ping-v1` event (received: the 8x8 host sends it to the partner app).

The old ping.

# Catalog row

| event name   | schema versions | status | active date    | deprecation date | sunset date    |
|--------------|-----------------|--------|----------------|------------------|----------------|
| demo-ping-v1 | 1.0.0           | active | 1 January 2025 | 1 June 2025      | 1 January 2026 |

Replaced by `demo-ping-v2`.

# Payload

Includes the fields of [`Base`].

| field           | type              | presence |
|-----------------|-------------------|----------|
| `id`            | string            | required |
| `schemaVersion` | "1.0.0"           | required |
| `direction`     | Direction         | required |
| `type`          | one of "a-b", "c" | required |
*/
    #[derive(
        ::core::fmt::Debug,
        ::core::clone::Clone,
        ::core::cmp::PartialEq,
        ::core::cmp::Eq,
    )]
    pub struct DemoPingV1 {
        ///`id`: string, required.
        pub id: ::std::string::String,
        ///`schemaVersion`: "1.0.0", required.
        pub schema_version: DemoPingV1SchemaVersion,
        ///`direction`: Direction, required.
        pub direction: Direction,
        ///`type`: one of "a-b", "c", required.
        pub r#type: DemoPingV1Type,
    }
    #[automatically_derived]
    #[allow(deprecated)]
    impl ::partner_events::__private::serde::Serialize for DemoPingV1 {
        fn serialize<__S>(
            &self,
            __serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error>
        where
            __S: ::partner_events::__private::serde::Serializer,
        {
            use ::partner_events::__private as __p;
            let mut __s = __p::serialize_struct(
                __serializer,
                "DemoPingV1",
                4usize,
                &[],
            )?;
            __p::write(&mut __s, "id", &self.id)?;
            __p::write(&mut __s, "schemaVersion", &self.schema_version)?;
            __p::write(&mut __s, "direction", &self.direction)?;
            __p::write(&mut __s, "type", &self.r#type)?;
            __p::serde::ser::SerializeStruct::end(__s)
        }
    }
    #[automatically_derived]
    #[allow(deprecated)]
    impl<'de> ::partner_events::__private::serde::Deserialize<'de> for DemoPingV1 {
        fn deserialize<__D>(
            __deserializer: __D,
        ) -> ::core::result::Result<Self, __D::Error>
        where
            __D: ::partner_events::__private::serde::Deserializer<'de>,
        {
            ::partner_events::__private::deserialize_struct(__deserializer)
        }
    }
    #[automatically_derived]
    #[allow(deprecated)]
    impl ::partner_events::__private::FromMap for DemoPingV1 {
        const EXPECTING: &'static str = "struct DemoPingV1";
        fn from_map<'de, __A>(mut __m: __A) -> ::core::result::Result<Self, __A::Error>
        where
            __A: ::partner_events::__private::serde::de::MapAccess<'de>,
        {
            use ::partner_events::__private as __p;
            let mut __0 = ::core::option::Option::None;
            let mut __1 = ::core::option::Option::None;
            let mut __2 = ::core::option::Option::None;
            let mut __3 = ::core::option::Option::None;
            while let ::core::option::Option::Some(__k) = __m
                .next_key::<__p::Key<'de>>()?
            {
                match &*__k {
                    "id" => __p::field(&mut __m, &mut __0, "id")?,
                    "schemaVersion" => __p::field(&mut __m, &mut __1, "schemaVersion")?,
                    "direction" => __p::field(&mut __m, &mut __2, "direction")?,
                    "type" => __p::field(&mut __m, &mut __3, "type")?,
                    _ => __p::skip(&mut __m, &__k)?,
                }
            }
            ::core::result::Result::Ok(DemoPingV1 {
                id: __p::required(__0, "id")?,
                schema_version: __p::required(__1, "schemaVersion")?,
                direction: __p::required(__2, "direction")?,
                r#type: __p::required(__3, "type")?,
            })
        }
    }
    #[automatically_derived]
    #[allow(deprecated)]
    impl ::partner_events::Event for DemoPingV1 {
        const NAME: &'static str = "demo-ping-v1";
        const DIRECTION: ::partner_events::Direction = ::partner_events::Direction::Received;
        const SCHEMA_VERSION: ::partner_events::SchemaVersion = ::partner_events::SchemaVersion::new(
            1u64,
            0u64,
            0u64,
        );
        const SCHEMA_VERSIONS: &'static [::partner_events::SchemaVersion] = &[
            ::partner_events::SchemaVersion::new(1u64, 0u64, 0u64),
        ];
        const LIFECYCLE: ::partner_events::Lifecycle = ::partner_events::Lifecycle {
            active: ::partner_events::CatalogDate::new(2025i32, 1u8, 1u8),
            deprecation: ::core::option::Option::Some(
                ::partner_events::CatalogDate::new(2025i32, 6u8, 1u8),
            ),
            sunset: ::core::option::Option::Some(
                ::partner_events::CatalogDate::new(2026i32, 1u8, 1u8),
            ),
            replaced_by: ::core::option::Option::Some("demo-ping-v2"),
        };
        const OPEN_PAYLOAD: bool = false;
    }
    #[automatically_derived]
    #[allow(deprecated)]
    impl ::partner_events::ReceivedEvent for DemoPingV1 {}
}
///The newest schema version (2.1.0) of the `demo-ping-v2` event; see [`DemoPingV2Schema2_1_0`].
#[allow(deprecated)]
pub type DemoPingV2 = DemoPingV2Schema2_1_0;
/**Any received-direction event of the catalog: one variant per event and schema version, named after its type. Serializes as the payload alone.

Payloads of up to 32 bytes (one string and the `schemaVersion` literal, say) are held inline; larger ones and open JSON are boxed, so that the enum, and every move of a decoded message, stays small. Each variant's documentation says which it is.*/
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq
)]
#[allow(deprecated)]
#[non_exhaustive]
pub enum Received {
    ///`demo-ping-v1`, schema version 1.0.0. Held inline: the payload's estimated size, 32 bytes, is within the 32-byte limit.
    #[allow(clippy::deprecated_semver)]
    #[deprecated(
        since = "2025-06-01",
        note = "`demo-ping-v1` is deprecated since 1 June 2025 and sunsets on 1 January 2026; use `demo-ping-v2` (`DemoPingV2`) instead"
    )]
    DemoPingV1(DemoPingV1),
    ///`demo-ping-v2`, schema version 2.0.0. Boxed: the payload's estimated size, 96 bytes, is over the 32-byte limit.
    DemoPingV2Schema2_0_0(::std::boxed::Box<DemoPingV2Schema2_0_0>),
    ///`demo-ping-v2`, schema version 2.1.0. Boxed: the payload's estimated size, 48 bytes, is over the 32-byte limit.
    DemoPingV2Schema2_1_0(::std::boxed::Box<DemoPingV2Schema2_1_0>),
    ///`demo-open-v1`, schema version 1.0.0. Boxed: open JSON has no fixed size.
    DemoOpenV1(::std::boxed::Box<DemoOpenV1>),
}
#[automatically_derived]
#[allow(deprecated, unreachable_code, unused_variables)]
impl Received {
    /// The event's wire name.
    pub fn event_name(&self) -> &'static str {
        match self {
            Received::DemoPingV1(__payload) => {
                <DemoPingV1 as ::partner_events::Event>::NAME
            }
            Received::DemoPingV2Schema2_0_0(__payload) => {
                <DemoPingV2Schema2_0_0 as ::partner_events::Event>::NAME
            }
            Received::DemoPingV2Schema2_1_0(__payload) => {
                <DemoPingV2Schema2_1_0 as ::partner_events::Event>::NAME
            }
            Received::DemoOpenV1(__payload) => {
                <DemoOpenV1 as ::partner_events::Event>::NAME
            }
        }
    }
    /// The schema version of the payload's type.
    pub fn schema_version(&self) -> ::partner_events::SchemaVersion {
        match self {
            Received::DemoPingV1(__payload) => {
                <DemoPingV1 as ::partner_events::Event>::SCHEMA_VERSION
            }
            Received::DemoPingV2Schema2_0_0(__payload) => {
                <DemoPingV2Schema2_0_0 as ::partner_events::Event>::SCHEMA_VERSION
            }
            Received::DemoPingV2Schema2_1_0(__payload) => {
                <DemoPingV2Schema2_1_0 as ::partner_events::Event>::SCHEMA_VERSION
            }
            Received::DemoOpenV1(__payload) => {
                <DemoOpenV1 as ::partner_events::Event>::SCHEMA_VERSION
            }
        }
    }
    /// The event's lifecycle.
    pub fn lifecycle(&self) -> ::partner_events::Lifecycle {
        match self {
            Received::DemoPingV1(__payload) => {
                <DemoPingV1 as ::partner_events::Event>::LIFECYCLE
            }
            Received::DemoPingV2Schema2_0_0(__payload) => {
                <DemoPingV2Schema2_0_0 as ::partner_events::Event>::LIFECYCLE
            }
            Received::DemoPingV2Schema2_1_0(__payload) => {
                <DemoPingV2Schema2_1_0 as ::partner_events::Event>::LIFECYCLE
            }
            Received::DemoOpenV1(__payload) => {
                <DemoOpenV1 as ::partner_events::Event>::LIFECYCLE
            }
        }
    }
    /// The name of the payload's generated Rust type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Received::DemoPingV1(__payload) => "DemoPingV1",
            Received::DemoPingV2Schema2_0_0(__payload) => "DemoPingV2Schema2_0_0",
            Received::DemoPingV2Schema2_1_0(__payload) => "DemoPingV2Schema2_1_0",
            Received::DemoOpenV1(__payload) => "DemoOpenV1",
        }
    }
}
#[automatically_derived]
impl ::partner_events::AnyEvent for Received {
    fn event_name(&self) -> &'static str {
        Received::event_name(self)
    }
    fn schema_version(&self) -> ::partner_events::SchemaVersion {
        Received::schema_version(self)
    }
    fn lifecycle(&self) -> ::partner_events::Lifecycle {
        Received::lifecycle(self)
    }
    fn type_name(&self) -> &'static str {
        Received::type_name(self)
    }
}
#[automatically_derived]
#[allow(deprecated, unreachable_code, unused_variables)]
impl ::partner_events::__private::serde::Serialize for Received {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        match self {
            Received::DemoPingV1(__payload) => {
                ::partner_events::__private::serde::Serialize::serialize(
                    __payload,
                    __serializer,
                )
            }
            Received::DemoPingV2Schema2_0_0(__payload) => {
                ::partner_events::__private::serde::Serialize::serialize(
                    __payload,
                    __serializer,
                )
            }
            Received::DemoPingV2Schema2_1_0(__payload) => {
                ::partner_events::__private::serde::Serialize::serialize(
                    __payload,
                    __serializer,
                )
            }
            Received::DemoOpenV1(__payload) => {
                ::partner_events::__private::serde::Serialize::serialize(
                    __payload,
                    __serializer,
                )
            }
        }
    }
}
///The received-direction events, for decoding by name and version.
#[doc(hidden)]
#[allow(deprecated)]
pub const __RECEIVED: &[::partner_events::__private::Entry<Received>] = &[
    ::partner_events::__private::Entry {
        name: <DemoPingV1 as ::partner_events::Event>::NAME,
        version: <DemoPingV1 as ::partner_events::Event>::SCHEMA_VERSION,
        lifecycle: <DemoPingV1 as ::partner_events::Event>::LIFECYCLE,
        decode: |__json| ::partner_events::__private::decode_payload(
            __json,
            |__payload| Received::DemoPingV1(__payload),
        ),
    },
    ::partner_events::__private::Entry {
        name: <DemoPingV2Schema2_0_0 as ::partner_events::Event>::NAME,
        version: <DemoPingV2Schema2_0_0 as ::partner_events::Event>::SCHEMA_VERSION,
        lifecycle: <DemoPingV2Schema2_0_0 as ::partner_events::Event>::LIFECYCLE,
        decode: |__json| ::partner_events::__private::decode_payload(
            __json,
            |__payload| Received::DemoPingV2Schema2_0_0(
                ::std::boxed::Box::new(__payload),
            ),
        ),
    },
    ::partner_events::__private::Entry {
        name: <DemoPingV2Schema2_1_0 as ::partner_events::Event>::NAME,
        version: <DemoPingV2Schema2_1_0 as ::partner_events::Event>::SCHEMA_VERSION,
        lifecycle: <DemoPingV2Schema2_1_0 as ::partner_events::Event>::LIFECYCLE,
        decode: |__json| ::partner_events::__private::decode_payload(
            __json,
            |__payload| Received::DemoPingV2Schema2_1_0(
                ::std::boxed::Box::new(__payload),
            ),
        ),
    },
    ::partner_events::__private::Entry {
        name: <DemoOpenV1 as ::partner_events::Event>::NAME,
        version: <DemoOpenV1 as ::partner_events::Event>::SCHEMA_VERSION,
        lifecycle: <DemoOpenV1 as ::partner_events::Event>::LIFECYCLE,
        decode: |__json| ::partner_events::__private::decode_payload(
            __json,
            |__payload| Received::DemoOpenV1(::std::boxed::Box::new(__payload)),
        ),
    },
];
/**Any send-direction event of the catalog: one variant per event and schema version, named after its type. Serializes as the payload alone.

Payloads of up to 32 bytes (one string and the `schemaVersion` literal, say) are held inline; larger ones and open JSON are boxed, so that the enum, and every move of a decoded message, stays small. Each variant's documentation says which it is.*/
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq
)]
#[allow(deprecated)]
#[non_exhaustive]
pub enum Sent {
    ///`demo-reply-v1`, schema version 1.0.0. Boxed: the payload's estimated size, 48 bytes, is over the 32-byte limit.
    DemoReplyV1(::std::boxed::Box<DemoReplyV1>),
}
#[automatically_derived]
#[allow(deprecated, unreachable_code, unused_variables)]
impl Sent {
    /// The event's wire name.
    pub fn event_name(&self) -> &'static str {
        match self {
            Sent::DemoReplyV1(__payload) => {
                <DemoReplyV1 as ::partner_events::Event>::NAME
            }
        }
    }
    /// The schema version of the payload's type.
    pub fn schema_version(&self) -> ::partner_events::SchemaVersion {
        match self {
            Sent::DemoReplyV1(__payload) => {
                <DemoReplyV1 as ::partner_events::Event>::SCHEMA_VERSION
            }
        }
    }
    /// The event's lifecycle.
    pub fn lifecycle(&self) -> ::partner_events::Lifecycle {
        match self {
            Sent::DemoReplyV1(__payload) => {
                <DemoReplyV1 as ::partner_events::Event>::LIFECYCLE
            }
        }
    }
    /// The name of the payload's generated Rust type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Sent::DemoReplyV1(__payload) => "DemoReplyV1",
        }
    }
}
#[automatically_derived]
impl ::partner_events::AnyEvent for Sent {
    fn event_name(&self) -> &'static str {
        Sent::event_name(self)
    }
    fn schema_version(&self) -> ::partner_events::SchemaVersion {
        Sent::schema_version(self)
    }
    fn lifecycle(&self) -> ::partner_events::Lifecycle {
        Sent::lifecycle(self)
    }
    fn type_name(&self) -> &'static str {
        Sent::type_name(self)
    }
}
#[automatically_derived]
#[allow(deprecated, unreachable_code, unused_variables)]
impl ::partner_events::__private::serde::Serialize for Sent {
    fn serialize<__S>(
        &self,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::partner_events::__private::serde::Serializer,
    {
        match self {
            Sent::DemoReplyV1(__payload) => {
                ::partner_events::__private::serde::Serialize::serialize(
                    __payload,
                    __serializer,
                )
            }
        }
    }
}
///The send-direction events, for decoding by name and version.
#[doc(hidden)]
#[allow(deprecated)]
pub const __SENT: &[::partner_events::__private::Entry<Sent>] = &[
    ::partner_events::__private::Entry {
        name: <DemoReplyV1 as ::partner_events::Event>::NAME,
        version: <DemoReplyV1 as ::partner_events::Event>::SCHEMA_VERSION,
        lifecycle: <DemoReplyV1 as ::partner_events::Event>::LIFECYCLE,
        decode: |__json| ::partner_events::__private::decode_payload(
            __json,
            |__payload| Sent::DemoReplyV1(::std::boxed::Box::new(__payload)),
        ),
    },
];
/// This catalog as a type: what [`partner_events::Decoder`] decodes with.
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::default::Default
)]
pub struct Catalog;
#[automatically_derived]
#[allow(deprecated)]
impl ::partner_events::EventCatalog for Catalog {
    type Received = Received;
    type Sent = Sent;
    fn received() -> &'static [::partner_events::__private::Entry<Received>] {
        __RECEIVED
    }
    fn sent() -> &'static [::partner_events::__private::Entry<Sent>] {
        __SENT
    }
    fn deserialize_received_fast<'de, __D>(
        __name: &str,
        __deserializer: __D,
        __slot: &mut ::core::option::Option<Received>,
    ) -> ::core::result::Result<
        ::partner_events::__private::FastPayload<'de>,
        __D::Error,
    >
    where
        __D: ::partner_events::__private::serde::Deserializer<'de>,
    {
        match __name {
            "demo-ping-v1" => {
                let __payload = <DemoPingV1 as ::partner_events::__private::serde::Deserialize>::deserialize(
                    __deserializer,
                )?;
                *__slot = ::core::option::Option::Some(Received::DemoPingV1(__payload));
                ::core::result::Result::Ok(
                    ::partner_events::__private::FastPayload::Typed,
                )
            }
            _ => {
                <&'de ::partner_events::__private::serde_json::value::RawValue as ::partner_events::__private::serde::Deserialize>::deserialize(
                        __deserializer,
                    )
                    .map(::partner_events::__private::FastPayload::Raw)
            }
        }
    }
}
