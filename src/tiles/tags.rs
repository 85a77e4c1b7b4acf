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
    /// A text of the collection's shared table (`Features::shared_texts`), by its index
    /// there: a tag refers to it without keeping a copy.
    Shared(u32, &'a str),
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
            Prop::Text(s) | Prop::Shared(_, s) => Some(s),
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
}

impl TagRef<'_> {
    /// The `Layer.values` entry MVT stores it as.
    pub fn to_proto(self) -> proto::Value {
        let mut v = proto::Value::default();
        match self {
            TagRef::Text(s) => v.string_value = Some(s.to_string()),
            TagRef::SInt(i) => v.sint_value = Some(i),
            TagRef::Double(d) => v.double_value = Some(d),
            TagRef::Bool(b) => v.bool_value = Some(b),
        }
        v
    }
}

/// A collection's texts, shared between its columns and its tags.
pub type SharedTexts = std::sync::Arc<[Box<str>]>;

/// Every feature's tags as indexes into one key table and one value table. The value
/// table is the collection's shared texts (`shared`, indexes `0..shared.len()`), then the
/// other values (`values`, from `shared.len()` on): at national scale the pipes' ids and
/// point names, some four million texts, are not copied into the tags.
#[derive(Debug, Default)]
pub struct Tags {
    keys: IndexSet<String, foldhash::fast::FixedState>,
    shared: Option<SharedTexts>,
    /// While tags are pushed: the shared texts by their hash, made when a text that is not
    /// shared (an array joined) comes, so that it is the shared value when it is one.
    shared_at: Option<std::collections::HashMap<u64, u32>>,
    values: IndexSet<TagValue, foldhash::fast::FixedState>,
    /// Feature i's tags are `pairs[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    pairs: Vec<(u32, u32)>,
}

impl Tags {
    /// The tags of `count` features, feature i's properties being `properties(i)`, in the
    /// order the properties iterate.
    pub fn build<'a>(count: usize, properties: impl Fn(usize) -> &'a Map<String, Value>) -> Tags {
        let mut tags = Tags::with_capacity(count, None);
        for i in 0..count {
            tags.push(properties(i));
        }
        tags.finish()
    }

    /// Tags for `count` features, to be given one by one with `push`; `Prop::Shared`
    /// texts are indexes into `shared`.
    pub fn with_capacity(count: usize, shared: Option<SharedTexts>) -> Tags {
        let mut tags = Tags {
            starts: Vec::with_capacity(count + 1),
            shared,
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
        let shared = self.shared.as_ref().map_or(0, |s| s.len());
        for (k, v) in properties {
            let joined;
            let value = match *v {
                Prop::Null => continue,
                Prop::Shared(t, s) => {
                    if (t as usize) < shared {
                        self.pair(k, t);
                        continue;
                    }
                    TagRef::Text(s)
                }
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
            if let TagRef::Text(s) = value
                && let Some(t) = self.shared_index(s)
            {
                self.pair(k, t);
                continue;
            }
            let value = match self.values.get_index_of(&value) {
                Some(v) => v,
                None => self.values.insert_full(value.owned()).0,
            };
            self.pair(k, (shared + value) as u32);
        }
        self.starts.push(self.pairs.len() as u32);
    }

    /// The index of `s` among the shared texts, if it is one.
    fn shared_index(&mut self, s: &str) -> Option<u32> {
        use std::hash::BuildHasher;
        let shared = self.shared.as_ref()?;
        let hash = |s: &str| foldhash::fast::FixedState::with_seed(0).hash_one(s);
        let at = self.shared_at.get_or_insert_with(|| {
            let mut at = std::collections::HashMap::with_capacity(shared.len());
            for (t, text) in shared.iter().enumerate() {
                at.entry(hash(text)).or_insert(t as u32);
            }
            at
        });
        // Two texts of one hash (one chance in 10^12 at national scale) would leave the
        // second a value of its own: a tile then holds the text twice, which reads the same.
        at.get(&hash(s))
            .copied()
            .filter(|t| &*shared[*t as usize] == s)
    }

    /// A tag of key `k` and value index `value`.
    fn pair(&mut self, k: &str, value: u32) {
        let key = match self.keys.get_index_of(k) {
            Some(key) => key,
            None => self.keys.insert_full(k.to_string()).0,
        };
        self.pairs.push((key as u32, value));
    }

    pub fn finish(mut self) -> Tags {
        self.pairs.shrink_to_fit();
        self.shared_at = None;
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

    /// Value `index` as MVT writes it.
    pub fn value(&self, index: u32) -> proto::Value {
        let shared = self.shared.as_deref().unwrap_or_default();
        match shared.get(index as usize) {
            Some(s) => TagRef::Text(s).to_proto(),
            None => self.values[index as usize - shared.len()]
                .borrowed()
                .to_proto(),
        }
    }

    /// How many value indexes the collection has.
    pub fn value_count(&self) -> usize {
        self.shared.as_ref().map_or(0, |s| s.len()) + self.values.len()
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
        let of = |i: usize| -> Vec<(&str, proto::Value)> {
            tags.of(i)
                .iter()
                .map(|(k, v)| (tags.key(*k), tags.value(*v)))
                .collect()
        };
        let want = |pairs: Vec<(&'static str, TagValue)>| -> Vec<(&str, proto::Value)> {
            pairs
                .into_iter()
                .map(|(k, v)| (k, v.borrowed().to_proto()))
                .collect()
        };
        assert_eq!(
            of(0),
            want(vec![
                ("codes", TagValue::Text("X,1".into())),
                ("d", TagValue::Double(2.5)),
                ("id", TagValue::Text("a".into())),
                ("n", TagValue::SInt(3)),
                ("ok", TagValue::Bool(true)),
            ])
        );
        // Nulls, objects and long arrays stay out; the shared value 3 is stored once.
        assert_eq!(
            of(1),
            want(vec![
                ("id", TagValue::Text("b".into())),
                ("n", TagValue::SInt(3))
            ])
        );
        assert_eq!(tags.value_count(), 6);
        assert_eq!(tags.of(0)[3].1, tags.of(1)[1].1);
    }

    #[test]
    fn shared_texts_are_tagged_by_their_index_without_a_copy() {
        let shared: SharedTexts = vec!["storm".into(), "P1".into()].into();
        let mut tags = Tags::with_capacity(2, Some(shared.clone()));
        tags.push_props(&[
            ("id", Prop::Shared(1, "P1")),
            ("kind", Prop::Shared(0, "storm")),
        ]);
        tags.push_props(&[("id", Prop::Text("P2")), ("n", Prop::I64(4))]);
        let tags = tags.finish();
        // The shared texts are values 0 and 1; the others follow.
        assert_eq!(tags.of(0), &[(0, 1), (1, 0)]);
        assert_eq!(tags.of(1), &[(0, 2), (2, 3)]);
        assert_eq!(tags.value_count(), 4);
        assert_eq!(tags.values.len(), 2);
        assert_eq!(tags.value(1), TagRef::Text("P1").to_proto());
        assert_eq!(tags.value(2), TagRef::Text("P2").to_proto());
        assert_eq!(tags.value(3), TagRef::SInt(4).to_proto());
        // A text that is not given as shared but is one (an array joined) is the shared value.
        let mut tags = Tags::with_capacity(1, Some(shared));
        let codes = json!(["storm"]);
        tags.push_props(&[("codes", Prop::Json(&codes)), ("x", Prop::Text("P1"))]);
        assert_eq!(tags.finish().of(0), &[(0, 0), (1, 1)]);
    }
}
