//! A collection's properties in columns: one row of small cells per feature, texts kept
//! once each in a table (a cluster id or a status repeats across thousands of features),
//! and the rare array or object beside them. A feature's properties are made into a JSON
//! object when a request asks for them. At national scale this holds 2,000,000 pipes'
//! properties in a sixth of the room a JSON map per feature took.
//!
//! A cell takes eight bytes: each column keeps one kind of value (a text's index, a
//! number, a flag), and absent or null are two NaN patterns no finite number has. A column
//! whose values are of more than one kind keeps an index into a list of whole cells.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

/// One property of one feature.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    /// The feature does not carry the property.
    Absent,
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    /// An index into the text table.
    Text(u32),
    /// An index into the table of arrays and objects.
    Json(u32),
}

/// The JSON Schema types, in the order of their names: the kinds a column's values were
/// seen to have are a bit each (`ARRAY` is bit 0).
const KINDS: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];
const ARRAY: u8 = 1 << 0;
const BOOLEAN: u8 = 1 << 1;
const INTEGER: u8 = 1 << 2;
const NUMBER: u8 = 1 << 3;
const OBJECT: u8 = 1 << 4;
const STRING: u8 = 1 << 5;

impl Cell {
    /// The bit of a scalar value's JSON Schema type (none for a null or an absent value; an
    /// array's or object's is its value's).
    fn kind(self) -> u8 {
        match self {
            Cell::Bool(_) => BOOLEAN,
            Cell::I64(_) | Cell::U64(_) => INTEGER,
            Cell::F64(_) => NUMBER,
            Cell::Text(_) => STRING,
            Cell::Absent | Cell::Null | Cell::Json(_) => 0,
        }
    }
}

/// A property's JSON Schema type from the kinds of its non-null values: the one kind seen,
/// `number` for integers mixed with decimals, `string` for anything else.
fn schema_type(kinds: u8) -> &'static str {
    match kinds {
        k if k == INTEGER | NUMBER => "number",
        k if k.count_ones() == 1 => KINDS[k.trailing_zeros() as usize],
        _ => "string",
    }
}

/// What a column's eight-byte slots hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No value yet: only absent or null.
    Unset,
    Bool,
    I64,
    F64,
    Text,
    /// An index into `Slots::mixed`.
    Mixed,
}

/// The slots of absent and null: NaNs no finite number is, and as integers values no
/// column of zdz's holds (a column that holds one is kept as `Mixed`).
const ABSENT: u64 = 0xFFF8_0000_0000_0A0A;
const NULL: u64 = 0xFFF8_0000_0000_0A0B;

/// Cells packed eight bytes each, row-major, with each column's kind.
#[derive(Debug, Default)]
struct Slots {
    k: usize,
    kinds: Vec<Kind>,
    slots: Vec<u64>,
    mixed: Vec<Cell>,
}

impl Slots {
    fn new(k: usize) -> Slots {
        Slots {
            k,
            kinds: vec![Kind::Unset; k],
            ..Default::default()
        }
    }

    /// The kind a cell asks for, and its slot in a column of that kind.
    fn encode(cell: Cell) -> Option<(Kind, u64)> {
        match cell {
            Cell::Absent => None,
            Cell::Null => None,
            Cell::Bool(b) => Some((Kind::Bool, b as u64)),
            Cell::I64(i) if i as u64 != ABSENT && i as u64 != NULL => Some((Kind::I64, i as u64)),
            Cell::F64(f) if !f.is_nan() => Some((Kind::F64, f.to_bits())),
            Cell::Text(t) => Some((Kind::Text, t as u64)),
            _ => Some((Kind::Mixed, 0)),
        }
    }

    fn decode(&self, kind: Kind, slot: u64) -> Cell {
        match (kind, slot) {
            (Kind::Mixed, at) => self.mixed[at as usize],
            (_, ABSENT) => Cell::Absent,
            (_, NULL) => Cell::Null,
            (Kind::Bool, b) => Cell::Bool(b != 0),
            (Kind::I64, i) => Cell::I64(i as i64),
            (Kind::F64, f) => Cell::F64(f64::from_bits(f)),
            (Kind::Text, t) => Cell::Text(t as u32),
            (Kind::Unset, _) => Cell::Absent,
        }
    }

    /// The next cell of the row being written: column `slots.len() % k`.
    fn push(&mut self, cell: Cell) {
        let c = self.slots.len() % self.k;
        let slot = match (self.kinds[c], Slots::encode(cell)) {
            (Kind::Mixed, _) => self.keep(cell),
            (_, None) => {
                if matches!(cell, Cell::Null) {
                    NULL
                } else {
                    ABSENT
                }
            }
            (Kind::Unset, Some((Kind::Mixed, _))) => {
                self.make_mixed(c);
                self.keep(cell)
            }
            (Kind::Unset, Some((kind, slot))) => {
                self.kinds[c] = kind;
                slot
            }
            (kind, Some((asked, slot))) if kind == asked => slot,
            (_, Some(_)) => {
                self.make_mixed(c);
                self.keep(cell)
            }
        };
        self.slots.push(slot);
    }

    fn keep(&mut self, cell: Cell) -> u64 {
        self.mixed.push(cell);
        self.mixed.len() as u64 - 1
    }

    /// Column `c` holds more than one kind: keep its cells whole from now on.
    fn make_mixed(&mut self, c: usize) {
        let kind = self.kinds[c];
        let mut at = c;
        while at < self.slots.len() {
            let cell = self.decode(kind, self.slots[at]);
            self.slots[at] = self.keep(cell);
            at += self.k;
        }
        self.kinds[c] = Kind::Mixed;
    }

    fn cell(&self, i: usize, c: usize) -> Cell {
        self.decode(self.kinds[c], self.slots[i * self.k + c])
    }

    fn finish(&mut self) {
        self.slots.shrink_to_fit();
        self.mixed.shrink_to_fit();
    }
}

/// Every feature's properties, in columns.
#[derive(Debug, Default)]
pub struct Columns {
    names: Vec<String>,
    /// Row-major: feature `i`'s cells are slots `i * names.len()..(i + 1) * names.len()`.
    cells: Slots,
    texts: crate::tiles::tags::SharedTexts,
    json: Vec<Value>,
    rows: usize,
}

/// Each distinct text once, by its index, while columns are built.
#[derive(Default)]
struct TextTable {
    texts: Vec<Box<str>>,
    at: HashMap<Box<str>, u32, foldhash::fast::FixedState>,
}

impl TextTable {
    fn index_of(&mut self, s: String) -> u32 {
        if let Some(t) = self.at.get(s.as_str()) {
            return *t;
        }
        let t = self.texts.len() as u32;
        let s: Box<str> = s.into();
        self.at.insert(s.clone(), t);
        self.texts.push(s);
        t
    }

    fn finish(self) -> crate::tiles::tags::SharedTexts {
        self.texts.into()
    }
}

impl Columns {
    /// The properties of every feature, in order (each map is taken apart as it is read),
    /// and each property's JSON Schema type across the features (`schema_type`).
    pub fn build(
        maps: impl IntoIterator<Item = Map<String, Value>>,
    ) -> (Columns, Vec<(String, &'static str)>) {
        let maps: Vec<Map<String, Value>> = maps.into_iter().collect();
        // serde_json's maps keep keys sorted: so do the columns, and an object is made
        // back in one pass. Features of a layer mostly carry the same keys: a map whose
        // keys are the last one's adds none.
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut last: Option<&Map<String, Value>> = None;
        for m in &maps {
            let same = last.is_some_and(|l| l.len() == m.len() && l.keys().eq(m.keys()));
            if !same {
                seen.extend(m.keys().map(String::as_str));
            }
            last = Some(m);
        }
        let names: Vec<String> = seen.into_iter().map(String::from).collect();
        let k = names.len();
        let mut cells = Slots::new(k);
        let mut row = vec![Cell::Absent; k];
        let mut kinds = vec![0u8; k];
        let mut texts = TextTable::default();
        let mut json = Vec::new();
        let rows = maps.len();
        for map in maps {
            row.fill(Cell::Absent);
            // Both in key order: walk the names along the map's keys.
            let mut c = 0;
            for (key, v) in map {
                while names[c] != key {
                    c += 1;
                }
                row[c] = match v {
                    Value::Null => Cell::Null,
                    Value::Bool(b) => Cell::Bool(b),
                    Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                        (Some(i), _) => Cell::I64(i),
                        (None, Some(u)) => Cell::U64(u),
                        _ => Cell::F64(n.as_f64().unwrap_or(f64::NAN)),
                    },
                    Value::String(s) => Cell::Text(texts.index_of(s)),
                    other => {
                        kinds[c] |= if other.is_array() { ARRAY } else { OBJECT };
                        json.push(other);
                        Cell::Json(json.len() as u32 - 1)
                    }
                };
                kinds[c] |= row[c].kind();
            }
            row.iter().for_each(|cell| cells.push(*cell));
        }
        cells.finish();
        let texts = texts.finish();
        json.shrink_to_fit();
        let schema = names
            .iter()
            .zip(kinds)
            .map(|(name, kinds)| (name.clone(), schema_type(kinds)))
            .collect();
        let columns = Columns {
            names,
            cells,
            texts,
            json,
            rows,
        };
        (columns, schema)
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Every feature's properties from typed rows (a GeoPackage table's), each row holding
    /// every column in `names`' order: the same properties as those rows made into JSON
    /// objects (`publish::gpkg::json_of`), and each column's JSON Schema type as
    /// `collection` infers it (the one type of its non-null values).
    pub fn from_rows(
        names: &[&str],
        rows: impl Iterator<Item = Vec<geopackage::Value>>,
    ) -> (Columns, Vec<(String, &'static str)>) {
        use geopackage::Value as V;
        // The columns in key order, and where each comes from in a row.
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|c| names[*c]);
        let k = names.len();
        let mut cells = Slots::new(k);
        let mut texts = TextTable::default();
        let mut kinds = vec![0u8; k];
        let mut n = 0;
        for row in rows {
            let mut row: Vec<Option<V>> = row.into_iter().map(Some).collect();
            for (to, from) in order.iter().enumerate() {
                let cell = match row[*from].take() {
                    Some(V::Boolean(b)) => Cell::Bool(b),
                    Some(V::Integer(i)) => Cell::I64(i),
                    Some(V::Float(f)) if f.is_finite() => Cell::F64(f),
                    Some(V::Text(s)) => Cell::Text(texts.index_of(s)),
                    _ => Cell::Null,
                };
                kinds[to] |= cell.kind();
                cells.push(cell);
            }
            n += 1;
        }
        cells.finish();
        let texts = texts.finish();
        let sorted: Vec<String> = order.iter().map(|c| names[*c].to_string()).collect();
        let schema = sorted
            .iter()
            .zip(kinds)
            .map(|(name, kinds)| (name.clone(), schema_type(kinds)))
            .collect();
        (
            Columns {
                names: sorted,
                cells,
                texts,
                json: Vec::new(),
                rows: n,
            },
            schema,
        )
    }

    fn row(&self, i: usize) -> impl Iterator<Item = Cell> + '_ {
        (0..self.names.len()).map(move |c| self.cells.cell(i, c))
    }

    fn value(&self, cell: Cell) -> Option<Value> {
        Some(match cell {
            Cell::Absent => return None,
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(b),
            Cell::I64(i) => Value::Number(i.into()),
            Cell::U64(u) => Value::Number(u.into()),
            Cell::F64(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            Cell::Text(t) => Value::String(self.texts[t as usize].to_string()),
            Cell::Json(j) => self.json[j as usize].clone(),
        })
    }

    /// Feature `i`'s properties as a JSON object.
    pub fn object(&self, i: usize) -> Map<String, Value> {
        self.names
            .iter()
            .zip(self.row(i))
            .filter_map(|(k, c)| Some((k.clone(), self.value(c)?)))
            .collect()
    }

    /// Feature `i`'s properties as a JSON object, written straight into `out`: the text
    /// `serde_json` writes for `object(i)`, without making the object.
    pub fn write_object(&self, i: usize, out: &mut Vec<u8>) {
        out.push(b'{');
        let mut first = true;
        for (k, c) in self.names.iter().zip(self.row(i)) {
            if matches!(c, Cell::Absent) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, k.as_str());
            out.push(b':');
            let _ = match c {
                Cell::Absent | Cell::Null => serde_json::to_writer(&mut *out, &()),
                Cell::Bool(b) => serde_json::to_writer(&mut *out, &b),
                Cell::I64(v) => serde_json::to_writer(&mut *out, &v),
                Cell::U64(v) => serde_json::to_writer(&mut *out, &v),
                Cell::F64(v) => serde_json::to_writer(&mut *out, &v),
                Cell::Text(t) => serde_json::to_writer(&mut *out, &*self.texts[t as usize]),
                Cell::Json(j) => serde_json::to_writer(&mut *out, &self.json[j as usize]),
            };
        }
        out.push(b'}');
    }

    /// Feature `i`'s properties, borrowed, in key order, into `out` (emptied first).
    pub fn props_into<'a>(
        &'a self,
        i: usize,
        out: &mut Vec<(&'a str, crate::tiles::tags::Prop<'a>)>,
    ) {
        use crate::tiles::tags::Prop;
        out.clear();
        for (k, c) in self.names.iter().zip(self.row(i)) {
            let v = match c {
                Cell::Absent => continue,
                Cell::Null => Prop::Null,
                Cell::Bool(b) => Prop::Bool(b),
                Cell::I64(i) => Prop::I64(i),
                Cell::U64(u) => Prop::U64(u),
                Cell::F64(f) => Prop::F64(f),
                Cell::Text(t) => Prop::Shared(t, &self.texts[t as usize]),
                Cell::Json(j) => Prop::Json(&self.json[j as usize]),
            };
            out.push((k.as_str(), v));
        }
    }

    /// One property of feature `i` (`None`: it does not carry it).
    pub fn get(&self, i: usize, name: &str) -> Option<Value> {
        let c = self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?;
        self.value(self.cells.cell(i, c))
    }

    /// The texts the cells index, shared with the collection's tags.
    pub fn texts(&self) -> crate::tiles::tags::SharedTexts {
        self.texts.clone()
    }

    /// One text property of feature `i`, without copying it.
    pub fn text(&self, i: usize, name: &str) -> Option<&str> {
        let c = self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?;
        match self.cells.cell(i, c) {
            Cell::Text(t) => Some(&self.texts[t as usize]),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each property's type is the one kind of its non-null values, `number` for integers
    /// mixed with decimals and `string` for any other mix or for nulls only.
    #[test]
    fn a_propertys_schema_type_is_its_one_kind_number_for_integers_and_decimals_else_string() {
        let features = [
            json!({ "a": 1, "b": 1, "c": "x", "d": [1], "e": {"k": 1}, "f": null, "g": true, "h": 2.5 }),
            json!({ "a": 2, "b": 1.5, "c": 3, "d": null, "g": false }),
            json!({ "a": u64::MAX }),
        ];
        let (_, schema) = Columns::build(features.iter().map(|f| f.as_object().unwrap().clone()));
        let want = [
            ("a", "integer"),
            ("b", "number"),
            ("c", "string"),
            ("d", "array"),
            ("e", "object"),
            ("f", "string"),
            ("g", "boolean"),
            ("h", "number"),
        ];
        let got: Vec<(&str, &str)> = schema.iter().map(|(k, t)| (k.as_str(), *t)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn properties_come_back_as_they_went_in_with_absent_keys_absent() {
        let features = [
            json!({ "id": "P1", "kind": "storm", "n": 3, "x": 1.5, "ok": true, "codes": ["A"], "none": null }),
            json!({ "id": "P2", "kind": "storm", "big": u64::MAX }),
            json!({}),
        ];
        let (c, _) = Columns::build(features.iter().map(|f| f.as_object().unwrap().clone()));
        assert_eq!(c.len(), 3);
        for (i, f) in features.iter().enumerate() {
            assert_eq!(Value::Object(c.object(i)), *f);
            let mut written = Vec::new();
            c.write_object(i, &mut written);
            assert_eq!(written, serde_json::to_vec(f).unwrap());
            assert_eq!(
                serde_json::to_string(&c.object(i)).unwrap(),
                serde_json::to_string(f).unwrap()
            );
        }
        assert_eq!(c.text(1, "kind"), Some("storm"));
        assert_eq!(c.get(1, "n"), None);
        assert_eq!(c.get(0, "none"), Some(Value::Null));
        // Typed rows give the same objects as those rows written as JSON.
        let rows = vec![
            vec![
                geopackage::Value::Text("P1".into()),
                geopackage::Value::Float(1.5),
                geopackage::Value::Null,
                geopackage::Value::Integer(3),
            ],
            vec![
                geopackage::Value::Text("P2".into()),
                geopackage::Value::Float(f64::NAN),
                geopackage::Value::Boolean(true),
                geopackage::Value::Integer(4),
            ],
        ];
        let names = ["pipe_id", "diameter_mm", "reversed", "defect_grade"];
        let as_json: Vec<Value> = rows
            .iter()
            .map(|r| {
                Value::Object(
                    names
                        .iter()
                        .zip(r.clone())
                        .map(|(n, v)| (n.to_string(), crate::publish::gpkg::json_of(v)))
                        .collect(),
                )
            })
            .collect();
        let (typed, schema) = Columns::from_rows(&names, rows.into_iter());
        for (i, want) in as_json.iter().enumerate() {
            assert_eq!(Value::Object(typed.object(i)), *want);
        }
        assert!(schema.contains(&("reversed".to_string(), "boolean")));
        assert!(schema.contains(&("defect_grade".to_string(), "integer")));
        // "storm" is kept once.
        assert_eq!(c.texts.iter().filter(|t| &***t == "storm").count(), 1);
    }

    #[test]
    fn a_column_of_several_kinds_or_of_a_sentinels_integer_comes_back_whole() {
        let absent_as_int = ABSENT as i64;
        let features = [
            json!({ "a": 1, "b": "x", "c": absent_as_int, "d": null }),
            json!({ "a": 2.5, "b": "y", "c": 7 }),
            json!({ "a": "three", "b": null, "c": -1, "d": false }),
            json!({ "b": "x" }),
        ];
        let (c, _) = Columns::build(features.iter().map(|f| f.as_object().unwrap().clone()));
        for (i, f) in features.iter().enumerate() {
            assert_eq!(Value::Object(c.object(i)), *f, "feature {i}");
        }
        // Only the columns of more than one kind (a) or holding a sentinel (c) keep cells
        // whole; b and d keep eight-byte slots.
        assert_eq!(
            c.cells.kinds,
            [Kind::Mixed, Kind::Text, Kind::Mixed, Kind::Bool]
        );
        assert_eq!(c.cells.slots.len(), 16);
    }
}
