//! A feature's field values as GDAL gives them: text, or a number where the source typed
//! one; a field that is null, empty or not set at all is no value (the gdal crate reads a
//! field a feature does not set as 0, so `IsFieldSet` is asked first).

use gdal::vector::FieldValue;

/// A field's value as read: text, or a number the source typed as one.
pub enum Cell {
    Text(String),
    Int(i64),
    Real(f64),
}

impl Cell {
    pub fn into_text(self) -> String {
        match self {
            Cell::Text(t) => t,
            Cell::Int(i) => i.to_string(),
            Cell::Real(r) => r.to_string(),
        }
    }
}

/// A field's value, `None` when null, empty or not set (`field_text`).
pub fn field_cell(feature: &gdal::vector::Feature, index: usize) -> Option<Cell> {
    let i = i32::try_from(index).ok()?;
    // SAFETY: the feature handle is alive for the borrow, and `i` is checked by GDAL.
    if unsafe { gdal_sys::OGR_F_IsFieldSet(feature.c_feature(), i) } == 0 {
        return None;
    }
    match feature.field(index).ok().flatten()? {
        FieldValue::IntegerValue(v) => Some(Cell::Int(v.into())),
        FieldValue::Integer64Value(v) => Some(Cell::Int(v)),
        FieldValue::RealValue(v) => Some(Cell::Real(v)),
        other => value_to_string(other).map(Cell::Text),
    }
}

fn value_to_string(v: FieldValue) -> Option<String> {
    let s = match v {
        FieldValue::StringValue(s) => s,
        FieldValue::IntegerValue(i) => i.to_string(),
        FieldValue::Integer64Value(i) => i.to_string(),
        FieldValue::RealValue(r) => r.to_string(),
        FieldValue::DateValue(d) => d.to_string(),
        FieldValue::DateTimeValue(d) => d.to_string(),
        FieldValue::StringListValue(l) => l.join(","),
        FieldValue::IntegerListValue(l) => join(&l),
        FieldValue::Integer64ListValue(l) => join(&l),
        FieldValue::RealListValue(l) => join(&l),
    };
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// A field's value as text, `None` when it is null, empty or not set at all: the gdal
/// crate reads a field a feature does not set (a GeoJSON feature without the key) as 0.
pub fn field_text(feature: &gdal::vector::Feature, index: usize) -> Option<String> {
    let i = i32::try_from(index).ok()?;
    // SAFETY: the feature handle is alive for the borrow, and `i` is checked by GDAL.
    let set = unsafe { gdal_sys::OGR_F_IsFieldSet(feature.c_feature(), i) } != 0;
    if !set {
        return None;
    }
    feature
        .field(index)
        .ok()
        .flatten()
        .and_then(value_to_string)
}

fn join<T: ToString>(l: &[T]) -> String {
    l.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}
