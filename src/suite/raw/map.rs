//! [`RawMap`]: a mapping of the suite file as written, its entries in order.
//!
//! Raw mappings live only until validation has read them, most hold one or two entries, and the
//! YAML layer has already refused duplicate keys: a list of pairs does all they need, without the
//! hash table (and the hashing) an index map would build for each of them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// Entries in the order the suite wrote them; keys are unique.
#[derive(Debug)]
pub struct RawMap<V>(Vec<(String, V)>);

impl<V> Default for RawMap<V> {
    fn default() -> Self {
        RawMap(Vec::new())
    }
}

impl<V> RawMap<V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &String> {
        self.0.iter().map(|(name, _)| name)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &V)> {
        self.0.iter().map(|(name, value)| (name, value))
    }
}

impl<V> IntoIterator for RawMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a RawMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, V)>,
        fn(&'a (String, V)) -> (&'a String, &'a V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(name, value)| (name, value))
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for RawMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = RawMap<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawMap(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::RawMap;
    use crate::suite::span::SourceFile;
    use crate::suite::yaml;

    #[test]
    fn keeps_the_entries_in_the_order_written() {
        let source = SourceFile::new("t.yaml", "b: 1\na: 2\nc: 3\n");
        let (map, _) = yaml::parse::<RawMap<u8>>(&source).expect("a map");
        let entries: Vec<(&String, &u8)> = map.iter().collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(
            map.into_iter().map(|(_, value)| value).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }
}
