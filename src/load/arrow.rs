//! GDAL's Arrow stream (GDAL ≥ 3.6): a layer as columnar batches, fields as typed arrays and
//! geometry as WKB. For a large GeoPackage layer this is an order of magnitude faster than
//! feature by feature (2,001,660 pipes: 0.8 s against 7.4 s through the per-feature API,
//! measured with GDAL's Python bindings), and the batches convert in parallel.
//!
//! Values come out as the per-feature path gives them (`fields::value_to_string`): integers
//! and reals in Rust's formatting, booleans as 1/0, text trimmed, empty text as missing.

use super::fields::Cell;
use anyhow::{Result, anyhow};
use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{Float32Type, Float64Type, Int16Type, Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use gdal::cpl::CslStringList;
use gdal::vector::LayerAccess;
use geo::Geometry;
use geo_traits::to_geo::ToGeoGeometry;

/// Field types converted here; a layer using another (dates, lists) is read feature by
/// feature.
pub fn supported(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Boolean
    )
}

/// The batches of `layer` (its filters apply), the FID as the first column, as GDAL reads
/// them; the layer stays borrowed while they are read.
pub fn batches<'a>(
    layer: &'a mut gdal::vector::Layer<'_>,
) -> Result<impl Iterator<Item = Result<RecordBatch>> + 'a> {
    let mut options = CslStringList::new();
    options.set_name_value("INCLUDE_FID", "YES")?;
    let mut stream = FFI_ArrowArrayStream::empty();
    // SAFETY: `stream` is a valid, empty ArrowArrayStream that GDAL fills in; the two
    // structs are the Arrow C stream interface, laid out identically.
    unsafe {
        layer.read_arrow_stream(
            (&mut stream as *mut FFI_ArrowArrayStream).cast::<gdal_sys::ArrowArrayStream>(),
            &options,
        )?;
    }
    let reader = RecordBatchStreamReader::try_new(stream)?;
    Ok(reader.map(move |batch| {
        let _reading = &layer;
        batch.map_err(|e| anyhow!("GDAL's Arrow stream: {e}"))
    }))
}

/// The value of `column` at `row`, or `None` when null or empty: numbers as numbers, the
/// rest as text, as the feature-by-feature read gives them (`fields::field_cell`).
pub fn cell(column: &dyn Array, row: usize) -> Option<Cell> {
    if column.is_null(row) {
        return None;
    }
    let text = match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).trim().to_string(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).trim().to_string(),
        DataType::Int16 => {
            return Some(Cell::Int(
                column.as_primitive::<Int16Type>().value(row).into(),
            ));
        }
        DataType::Int32 => {
            return Some(Cell::Int(
                column.as_primitive::<Int32Type>().value(row).into(),
            ));
        }
        DataType::Int64 => return Some(Cell::Int(column.as_primitive::<Int64Type>().value(row))),
        DataType::Float32 => {
            return Some(Cell::Real(
                column.as_primitive::<Float32Type>().value(row) as f64
            ));
        }
        DataType::Float64 => {
            return Some(Cell::Real(column.as_primitive::<Float64Type>().value(row)));
        }
        DataType::Boolean => return Some(Cell::Int(column.as_boolean().value(row).into())),
        _ => return None,
    };
    (!text.is_empty()).then_some(Cell::Text(text))
}

/// The FID at `row` of the first column.
pub fn fid(column: &dyn Array, row: usize) -> Option<u64> {
    (!column.is_null(row))
        .then(|| column.as_primitive_opt::<Int64Type>())
        .flatten()
        .map(|c| c.value(row) as u64)
}

/// The geometry at `row` of a WKB column, 2-D, or why there is none.
pub fn geometry(column: &dyn Array, row: usize) -> Result<Geometry, String> {
    if column.is_null(row) {
        return Err(crate::contract::geometry_faults::NO_GEOMETRY.into());
    }
    let bytes = match column.data_type() {
        DataType::Binary => column.as_binary::<i32>().value(row),
        DataType::LargeBinary => column.as_binary::<i64>().value(row),
        other => return Err(format!("unreadable geometry (Arrow type {other})")),
    };
    let wkb = wkb::reader::read_wkb(bytes).map_err(|e| format!("unreadable geometry: {e}"))?;
    match wkb.try_to_geometry() {
        Some(g) if geo::CoordsIter::coords_count(&g) > 0 => Ok(g),
        _ => Err("empty geometry".into()),
    }
}
