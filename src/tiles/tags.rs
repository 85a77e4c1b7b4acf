//! A collection's properties as MVT tags, prepared once per snapshot: one key table, one
//! table of the distinct values, and each feature's tags as (key, value) index pairs into
//! them. A tile then makes its own value table by index, without hashing a string: fast_mvt's
//! builder hashed every key and every value of every feature of every tile, which was 40 % of
//! the time a z10 outfall tile took (`perf`, province workspace).
//!
//! Which properties become tags and how is decided here only: text as text, integers as
//! `sint`, other numbers as `double`, booleans as `bool`, short arrays joined with commas;
//! nulls, objects and arrays of more than `MAX_ARRAY` items stay out (the API has them).

use std::hash::{Hash, Hasher};

use fast_mvt::proto;
use indexmap::IndexSet;
use serde_json::{Map, Value};

/// Arrays longer than this (trace ids …) stay out of tiles; the API has them.
const MAX_ARRAY: usize = 10;

/// One tag value, as MVT types it.
#[derive(Debug, Clone)]
pub enum TagValue {
    Text(Box<str>),
    SInt(i64),
    Double(f64),
    Bool(bool),
}

impl PartialEq for TagValue {
    /// Doubles by their bits, so every value equals itself and NaN can be a key.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (TagValue::Text(a), TagValue::Text(b)) => a == b,
            (TagValue::SInt(a), TagValue::SInt(b)) => a == b,
            (TagValue::Double(a), TagValue::Double(b)) => a.to_bits() == b.to_bits(),
            (TagValue::Bool(a), TagValue::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for TagValue {}

impl Hash for TagValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.borrowed().hash(state);
    }
}

/// A tag value borrowed from a feature's property: looked up in the value table without
/// copying its text, and copied only when it is new.
#[derive(Debug, Clone, Copy)]
pub enum TagRef<'a> {
    Text(&'a str),
    SInt(i64),
    Double(f64),
    Bool(bool),
}

impl Hash for TagRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            TagRef::Text(s) => (0u8, s).hash(state),
            TagRef::SInt(i) => (1u8, i).hash(state),
            TagRef::Double(d) => (2u8, d.to_bits()).hash(state),
            TagRef::Bool(b) => (3u8, b).hash(state),
        }
    }
}

impl indexmap::Equivalent<TagValue> for TagRef<'_> {
    fn equivalent(&self, key: &TagValue) -> bool {
        match (self, key) {
            (TagRef::Text(a), TagValue::Text(b)) => *a == &**b,
            (TagRef::SInt(a), TagValue::SInt(b)) => a == b,
            (TagRef::Double(a), TagValue::Double(b)) => a.to_bits() == b.to_bits(),
            (TagRef::Bool(a), TagValue::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl TagRef<'_> {
    fn owned(self) -> TagValue {
        match self {
            TagRef::Text(s) => TagValue::Text(s.into()),
            TagRef::SInt(i) => TagValue::SInt(i),
            TagRef::Double(d) => TagValue::Double(d),
            TagRef::Bool(b) => TagValue::Bool(b),
        }
    }
}

/// A feature's property as a tile source reads it: borrowed, not copied.
#[derive(Debug, Clone, Copy)]
pub enum Prop<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Text(&'a str),
    /// An array or an object.
    Json(&'a Value),
}

impl<'a> Prop<'a> {
    pub fn of(v: &'a Value) -> Prop<'a> {
        match v {
            Value::Null => Prop::Null,
            Value::Bool(b) => Prop::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Prop::I64(i),
                (None, Some(u)) => Prop::U64(u),
                _ => Prop::F64(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => Prop::Text(s),
            other => Prop::Json(other),
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Prop::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(self) -> Option<f64> {
        match self {
            Prop::I64(i) => Some(i as f64),
            Prop::U64(u) => Some(u as f64),
            Prop::F64(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_i64(self) -> Option<i64> {
        match self {
            Prop::I64(i) => Some(i),
            _ => None,
        }
    }
}

impl TagValue {
    fn borrowed(&self) -> TagRef<'_> {
        match self {
            TagValue::Text(s) => TagRef::Text(s),
            TagValue::SInt(i) => TagRef::SInt(*i),
            TagValue::Double(d) => TagRef::Double(*d),
            TagValue::Bool(b) => TagRef::Bool(*b),
        }
    }
}

impl TagValue {
    /// The property as a tag value, or `None` when it stays out of tiles.
    pub fn of(v: &Value) -> Option<TagValue> {
        Some(match v {
            Value::String(s) => TagValue::Text(s.as_str().into()),
            Value::Bool(b) => TagValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => TagValue::SInt(i),
                None => TagValue::Double(n.as_f64().unwrap_or_default()),
            },
            Value::Array(a) if a.len() <= MAX_ARRAY => {
                let items: Vec<String> = a
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect();
                TagValue::Text(items.join(",").into())
            }
            _ => return None,
        })
    }

    /// The `Layer.values` entry MVT stores it as.
    pub fn to_proto(&self) -> proto::Value {
        let mut v = proto::Value::default();
        match self {
            TagValue::Text(s) => v.string_value = Some(s.to_string()),
            TagValue::SInt(i) => v.sint_value = Some(*i),
            TagValue::Double(d) => v.double_value = Some(*d),
            TagValue::Bool(b) => v.bool_value = Some(*b),
        }
        v
    }
}

/// Every feature's tags as indexes into one key table and one value table.
#[derive(Debug, Default)]
pub struct Tags {
    keys: IndexSet<String, foldhash::fast::FixedState>,
    values: IndexSet<TagValue, foldhash::fast::FixedState>,
    /// Feature i's tags are `pairs[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    pairs: Vec<(u32, u32)>,
}

impl Tags {
    /// The tags of `count` features, feature i's properties being `properties(i)`, in the
    /// order the properties iterate.
    pub fn build<'a>(count: usize, properties: impl Fn(usize) -> &'a Map<String, Value>) -> Tags {
        let mut tags = Tags::with_capacity(count);
        for i in 0..count {
            tags.push(properties(i));
        }
        tags.finish()
    }

    /// Tags for `count` features, to be given one by one with `push`.
    pub fn with_capacity(count: usize) -> Tags {
        let mut tags = Tags {
            starts: Vec::with_capacity(count + 1),
            ..Tags::default()
        };
        tags.starts.push(0);
        tags
    }

    /// The next feature's tags.
    pub fn push(&mut self, properties: &Map<String, Value>) {
        let props: Vec<(&str, Prop)> = properties
            .iter()
            .map(|(k, v)| (k.as_str(), Prop::of(v)))
            .collect();
        self.push_props(&props);
    }

    /// The next feature's tags, from its borrowed properties.
    pub fn push_props(&mut self, properties: &[(&str, Prop)]) {
        for (k, v) in properties {
            let joined;
            let value = match *v {
                Prop::Null => continue,
                Prop::Bool(b) => TagRef::Bool(b),
                Prop::I64(i) => TagRef::SInt(i),
                Prop::U64(u) => match i64::try_from(u) {
                    Ok(i) => TagRef::SInt(i),
                    Err(_) => TagRef::Double(u as f64),
                },
                Prop::F64(f) => TagRef::Double(f),
                Prop::Text(s) => TagRef::Text(s),
                Prop::Json(j) => match TagValue::of(j) {
                    Some(t) => {
                        joined = t;
                        joined.borrowed()
                    }
                    None => continue,
                },
            };
            let key = match self.keys.get_index_of(*k) {
                Some(key) => key,
                None => self.keys.insert_full(k.to_string()).0,
            };
            let value = match self.values.get_index_of(&value) {
                Some(v) => v,
                None => self.values.insert_full(value.owned()).0,
            };
            self.pairs.push((key as u32, value as u32));
        }
        self.starts.push(self.pairs.len() as u32);
    }

    pub fn finish(mut self) -> Tags {
        self.pairs.shrink_to_fit();
        self
    }

    pub fn key(&self, index: u32) -> &str {
        &self.keys[index as usize]
    }

    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Feature i's tags: (key index, value index) pairs.
    pub fn of(&self, i: usize) -> &[(u32, u32)] {
        &self.pairs[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    pub fn value(&self, index: u32) -> &TagValue {
        &self.values[index as usize]
    }

    /// How many distinct values the collection has.
    pub fn value_count(&self) -> usize {
        self.values.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn values_are_typed_as_mvt_stores_them_and_shared_between_features() {
        let props = [
            map(
                json!({"id": "a", "n": 3, "d": 2.5, "ok": true, "codes": ["X", null, 1], "none": null}),
            ),
            map(json!({"id": "b", "n": 3, "long": (0..11).collect::<Vec<_>>(), "obj": {"x": 1}})),
        ];
        let tags = Tags::build(props.len(), |i| &props[i]);
        let of = |i: usize| -> Vec<(&str, TagValue)> {
            tags.of(i)
                .iter()
                .map(|(k, v)| (tags.key(*k), tags.value(*v).clone()))
                .collect()
        };
        assert_eq!(
            of(0),
            vec![
                ("codes", TagValue::Text("X,1".into())),
                ("d", TagValue::Double(2.5)),
                ("id", TagValue::Text("a".into())),
                ("n", TagValue::SInt(3)),
                ("ok", TagValue::Bool(true)),
            ]
        );
        // Nulls, objects and long arrays stay out; the shared value 3 is stored once.
        assert_eq!(
            of(1),
            vec![("id", TagValue::Text("b".into())), ("n", TagValue::SInt(3))]
        );
        assert_eq!(tags.value_count(), 6);
        assert_eq!(tags.of(0)[3].1, tags.of(1)[1].1);
    }
}
