//! A serde `Deserializer` over the [`Node`] tree. Scalars are read as YAML 1.2's core schema reads
//! them (`true`, `~`, `0x1F`, `.inf`; `yes` and `010` stay strings), any scalar can be a string,
//! and an empty value (`key:`) is null, an empty map or an empty list as the type asks. Every error
//! carries the path and span of the node it is about.

use std::fmt;

use serde::de::{self, DeserializeSeed, Expected, IntoDeserializer, Unexpected, Visitor};

use super::node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use super::schema::{Resolved, resolve};
use crate::suite::span::Span;

/// Why the tree does not fit the type: serde's message, and where.
#[derive(Debug)]
pub struct DeError {
    pub message: String,
    /// The path of the node (`steps[0].expect`) and its span, set by the innermost node that saw
    /// the error.
    pub location: Option<(String, Span)>,
}

impl DeError {
    fn locate(mut self, node: &Node, path: &Path<'_>) -> Self {
        if self.location.is_none() {
            self.location = Some((path.to_string(), node.span));
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError {
            message: message.to_string(),
            location: None,
        }
    }
}

/// Deserializes `T` from a node; strings are borrowed from the tree where `T` allows.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDeserializer {
        node,
        path: Path::Root,
    })
}

/// Where a node sits, as a chain of borrowed segments: formatted only when an error needs it.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

fn unexpected<'n>(node: &'n Node<'_>) -> Unexpected<'n> {
    match &node.kind {
        NodeKind::Mapping(_) => Unexpected::Map,
        NodeKind::Sequence(_) => Unexpected::Seq,
        NodeKind::Scalar(scalar) => match resolve(scalar) {
            Resolved::Null => Unexpected::Unit,
            Resolved::Bool(value) => Unexpected::Bool(value),
            Resolved::Unsigned(value) => Unexpected::Unsigned(value),
            Resolved::Signed(value) => Unexpected::Signed(value),
            Resolved::Float(value) => Unexpected::Float(value),
            Resolved::Str(text) => Unexpected::Str(text),
        },
    }
}

/// A plain (or untagged-as-string) scalar that is left empty: `expect:` with nothing after it.
fn is_empty_value(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(scalar)
        if scalar.style == ScalarStyle::Plain && scalar.tag.is_none() && scalar.text.is_empty())
}

struct NodeDeserializer<'de, 'p> {
    node: &'de Node<'de>,
    path: Path<'p>,
}

impl<'de> NodeDeserializer<'de, '_> {
    fn invalid_type(&self, expected: &dyn Expected) -> DeError {
        de::Error::invalid_type(unexpected(self.node), expected)
    }

    fn locate<T>(&self, result: Result<T, DeError>) -> Result<T, DeError> {
        result.map_err(|error| error.locate(self.node, &self.path))
    }

    fn visit_scalar<V: Visitor<'de>>(
        &self,
        scalar: &'de Scalar,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match resolve(scalar) {
            Resolved::Null => visitor.visit_unit(),
            Resolved::Bool(value) => visitor.visit_bool(value),
            Resolved::Unsigned(value) => visitor.visit_u64(value),
            Resolved::Signed(value) => visitor.visit_i64(value),
            Resolved::Float(value) => finite(value).and_then(|value| visitor.visit_f64(value)),
            Resolved::Str(text) => visitor.visit_borrowed_str(text),
        }
    }

    fn visit_mapping<V: Visitor<'de>>(
        &self,
        entries: &'de [Entry],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let mut access = MapAccess {
            entries: entries.iter(),
            value: None,
            path: &self.path,
        };
        let value = visitor.visit_map(&mut access)?;
        match access.entries.len() {
            0 => Ok(value),
            left => Err(de::Error::invalid_length(
                entries.len() - left,
                &"fewer entries",
            )),
        }
    }

    fn visit_sequence<V: Visitor<'de>>(
        &self,
        items: &'de [Node],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let mut access = SeqAccess {
            items: items.iter().enumerate(),
            path: &self.path,
        };
        let value = visitor.visit_seq(&mut access)?;
        match access.items.len() {
            0 => Ok(value),
            left => Err(de::Error::invalid_length(
                items.len() - left,
                &"fewer items",
            )),
        }
    }

    /// A number from a plain scalar; quoted numbers are strings, as in YAML.
    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) => match resolve(scalar) {
                Resolved::Unsigned(value) => visitor.visit_u64(value),
                Resolved::Signed(value) => visitor.visit_i64(value),
                Resolved::Float(value) => finite(value).and_then(|value| visitor.visit_f64(value)),
                _ => Err(self.invalid_type(&visitor)),
            },
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }
}

/// YAML's `.nan` and `.inf` are numbers JSON cannot write: serde_json would make them `null`.
fn finite(value: f64) -> Result<f64, DeError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(de::Error::custom(
            "`.nan` and `.inf` have no JSON form (they would be sent as null)",
        ))
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                self.number(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) => self.visit_scalar(scalar, visitor),
            NodeKind::Sequence(items) => self.visit_sequence(items, visitor),
            NodeKind::Mapping(entries) => self.visit_mapping(entries, visitor),
        };
        self.locate(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) => match resolve(scalar) {
                Resolved::Bool(value) => visitor.visit_bool(value),
                _ => Err(self.invalid_type(&visitor)),
            },
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    numbers!(
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    );

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) => visitor.visit_borrowed_str(&scalar.text),
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let error = self.invalid_type(&visitor);
        self.locate(Err(error))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let is_null = matches!(&self.node.kind, NodeKind::Scalar(scalar)
            if matches!(resolve(scalar), Resolved::Null));
        if is_null {
            self.locate(visitor.visit_none())
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) if matches!(resolve(scalar), Resolved::Null) => {
                visitor.visit_unit()
            }
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Sequence(items) => self.visit_sequence(items, visitor),
            _ if is_empty_value(self.node) => self.visit_sequence(&[], visitor),
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Mapping(entries) => self.visit_mapping(entries, visitor),
            _ if is_empty_value(self.node) => self.visit_mapping(&[], visitor),
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    /// A unit variant as a scalar (`mode: strict`), any other as a one-entry map (`lax: {…}`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(scalar) => {
                visitor.visit_enum(scalar.text.as_ref().into_deserializer())
            }
            NodeKind::Mapping(entries) if entries.len() == 1 => visitor.visit_enum(EnumAccess {
                entry: &entries[0],
                path: &self.path,
            }),
            _ => Err(self.invalid_type(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

struct MapAccess<'de, 'p> {
    entries: std::slice::Iter<'de, Entry<'de>>,
    value: Option<&'de Entry<'de>>,
    path: &'p Path<'p>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        // A key's errors (an unknown field) are about the mapping it is in, at the key's span.
        seed.deserialize(NodeDeserializer {
            node: &entry.key,
            path: *self.path,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let entry = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("a value without its key"))?;
        seed.deserialize(NodeDeserializer {
            node: &entry.value,
            path: Path::Key(self.path, key_text(&entry.key)),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

fn key_text<'n>(key: &'n Node<'_>) -> &'n str {
    match &key.kind {
        NodeKind::Scalar(scalar) => &scalar.text,
        _ => "?",
    }
}

struct SeqAccess<'de, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Node<'de>>>,
    path: &'p Path<'p>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((index, node)) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(NodeDeserializer {
            node,
            path: Path::Index(self.path, index),
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct EnumAccess<'de, 'p> {
    entry: &'de Entry<'de>,
    path: &'p Path<'p>,
}

impl<'de: 'p, 'p> de::EnumAccess<'de> for EnumAccess<'de, 'p> {
    type Error = DeError;
    type Variant = NodeDeserializer<'de, 'p>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let variant = seed.deserialize(NodeDeserializer {
            node: &self.entry.key,
            path: *self.path,
        })?;
        let value = NodeDeserializer {
            node: &self.entry.value,
            path: Path::Key(self.path, key_text(&self.entry.key)),
        };
        Ok((variant, value))
    }
}

impl<'de> de::VariantAccess<'de> for NodeDeserializer<'de, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::span::SourceFile;
    use serde_json::{Value, json};

    fn tree(text: &str) -> Node<'static> {
        let source = Box::leak(Box::new(SourceFile::new("t.yaml", text)));
        super::super::tree::build(source).expect("valid yaml")
    }

    fn value(text: &str) -> Value {
        from_node(&tree(text)).expect("deserializes")
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(
            value(
                "[~, null, '', true, False, 12, -3, 0x1F, 0o17, +7, 1.5, '.inf', 010, yes, '12', 1e3]"
            ),
            json!([
                null, null, "", true, false, 12, -3, 31, 15, 7, 1.5, ".inf", "010", "yes", "12",
                1000.0
            ])
        );
        // JSON has no form for them: serde_json would make them null.
        for text in ["[.nan]", "{ a: -.inf }", ".Inf"] {
            let error = from_node::<Value>(&tree(text)).expect_err(text);
            assert!(error.message.contains("no JSON form"), "{text}: {error}");
        }
        assert_eq!(
            value("a: !!str 12\nb: |\n  12\n"),
            json!({ "a": "12", "b": "12\n" })
        );
        assert_eq!(
            value("[99999999999999999999, -99999999999999999999]"),
            json!(["99999999999999999999", "-99999999999999999999"])
        );
    }

    #[test]
    fn any_scalar_reads_as_a_string_and_an_empty_value_as_nothing() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            name: String,
            #[serde(default)]
            tags: Vec<String>,
            #[serde(default)]
            headers: crate::suite::raw::RawMap<Value>,
            count: Option<u16>,
        }
        let raw: Raw = from_node(&tree("name: 200\ntags:\nheaders:\ncount:\n")).expect("fits");
        assert_eq!(raw.name, "200");
        assert!(raw.tags.is_empty() && raw.headers.is_empty() && raw.count.is_none());
    }

    #[test]
    fn errors_name_the_path_and_span_of_their_node() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Expect {
            status: Option<u16>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Step {
            expect: Expect,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Suite {
            steps: Vec<Step>,
        }
        let check = |text: &str, message: &str, path: &str, line: usize, column: usize| {
            let error = from_node::<Suite>(&tree(text)).expect_err("does not fit");
            let (at, span) = error.location.expect("located");
            assert_eq!(
                (error.message.as_str(), at.as_str(), span.line, span.column),
                (message, path, line, column)
            );
        };
        check(
            "steps:\n  - expect:\n      stauts: 200\n",
            "unknown field `stauts`, expected `status`",
            "steps[0].expect",
            3,
            7,
        );
        check(
            "steps:\n  - expect:\n      status: \"200\"\n",
            "invalid type: string \"200\", expected u16",
            "steps[0].expect.status",
            3,
            15,
        );
        check(
            "steps:\n  - expect: { status: 70000 }\n",
            "invalid value: integer `70000`, expected u16",
            "steps[0].expect.status",
            2,
            23,
        );
        check(
            "steps:\n  - {}\n",
            "missing field `expect`",
            "steps[0]",
            2,
            5,
        );
    }
}
