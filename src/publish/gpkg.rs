//! `results.gpkg`: every result and input layer in the working CRS, one geometry type per
//! layer, field types from the values, and a `layer_styles` table holding each layer's QGIS
//! style (and SLD) as its default, so QGIS opens every layer styled.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use gdal::spatial_ref::SpatialRef;
use gdal::vector::{
    Feature, FieldValue, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal,
};
use gdal::{Dataset, DriverManager};
use geo::{Geometry, MultiLineString, MultiPolygon};
use serde_json::Value;

use super::geojson::OutFeature;
use crate::styles::model::{LayerStyle, Shape};
use crate::styles::{qml, sld};

/// One layer to write: its style (name, shape) and features in the working CRS.
pub struct OutLayer<'a> {
    pub style: &'a LayerStyle,
    pub features: Vec<OutFeature>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Integer,
    Real,
    Text,
}

fn kind_of(values: impl Iterator<Item = Value>) -> Kind {
    let mut kind: Option<Kind> = None;
    for v in values {
        let k = match v {
            Value::Null => continue,
            Value::Bool(_) => Kind::Bool,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Real,
            _ => Kind::Text,
        };
        kind = Some(match (kind, k) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(Kind::Integer), Kind::Real) | (Some(Kind::Real), Kind::Integer) => Kind::Real,
            _ => Kind::Text,
        });
    }
    kind.unwrap_or(Kind::Text)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Bring a geometry to the layer's single type (points stay points; lines and polygons
/// become their multi form).
fn uniform(g: &Geometry, shape: Shape) -> Option<Geometry> {
    match (shape, g) {
        (Shape::Point, Geometry::Point(_)) => Some(g.clone()),
        (Shape::Line, Geometry::LineString(l)) => {
            Some(Geometry::MultiLineString(MultiLineString(vec![l.clone()])))
        }
        (Shape::Line, Geometry::MultiLineString(_)) => Some(g.clone()),
        (Shape::Polygon, Geometry::Polygon(p)) => {
            Some(Geometry::MultiPolygon(MultiPolygon(vec![p.clone()])))
        }
        (Shape::Polygon, Geometry::MultiPolygon(_)) => Some(g.clone()),
        _ => None,
    }
}

fn geometry_type(shape: Shape) -> OGRwkbGeometryType::Type {
    match shape {
        Shape::Point => OGRwkbGeometryType::wkbPoint,
        Shape::Line => OGRwkbGeometryType::wkbMultiLineString,
        Shape::Polygon => OGRwkbGeometryType::wkbMultiPolygon,
    }
}

/// Add a field; booleans get GDAL's boolean subtype so QGIS reads true/false.
fn create_field<L: LayerAccess>(layer: &L, name: &str, kind: Kind) -> Result<()> {
    let field_type = match kind {
        Kind::Bool | Kind::Integer => OGRFieldType::OFTInteger64,
        Kind::Real => OGRFieldType::OFTReal,
        Kind::Text => OGRFieldType::OFTString,
    };
    let c_name = CString::new(name)?;
    // SAFETY: a field definition is created, configured, copied into the layer by
    // OGR_L_CreateField, then destroyed; the layer handle outlives the call.
    unsafe {
        let defn = gdal_sys::OGR_Fld_Create(c_name.as_ptr(), field_type);
        if kind == Kind::Bool {
            gdal_sys::OGR_Fld_SetType(defn, OGRFieldType::OFTInteger);
            gdal_sys::OGR_Fld_SetSubType(defn, gdal_sys::OGRFieldSubType::OFSTBoolean);
        }
        let err = gdal_sys::OGR_L_CreateField(layer.c_layer(), defn, 1);
        gdal_sys::OGR_Fld_Destroy(defn);
        if err != gdal_sys::OGRErr::OGRERR_NONE {
            return Err(anyhow!("cannot create field {name}"));
        }
    }
    Ok(())
}

fn write_layer(ds: &mut Dataset, layer: &OutLayer, srs: &SpatialRef) -> Result<()> {
    let name = layer.style.layer;
    let mut fields: BTreeMap<&str, Kind> = BTreeMap::new();
    let mut keys: Vec<&str> = Vec::new();
    for f in &layer.features {
        for k in f.properties.keys() {
            if !fields.contains_key(k.as_str()) {
                keys.push(k.as_str());
                fields.insert(k.as_str(), Kind::Text);
            }
        }
    }
    for k in &keys {
        let kind = kind_of(
            layer
                .features
                .iter()
                .filter_map(|f| f.properties.get(*k).cloned()),
        );
        fields.insert(k, kind);
    }
    let mut txn = ds.start_transaction()?;
    {
        let out = txn.create_layer(LayerOptions {
            name,
            srs: Some(srs),
            ty: geometry_type(layer.style.shape),
            options: Some(&["GEOMETRY_NAME=geom", "FID=fid"]),
        })?;
        for k in &keys {
            create_field(&out, k, fields[k])?;
        }
        let defn = out.defn();
        let index: Vec<usize> = keys
            .iter()
            .map(|k| defn.field_index(k))
            .collect::<gdal::errors::Result<_>>()?;
        for f in &layer.features {
            let mut feature = Feature::new(defn)?;
            if let Some(g) = f.geom.as_ref().and_then(|g| uniform(g, layer.style.shape)) {
                feature.set_geometry(g.to_gdal()?)?;
            }
            for (k, i) in keys.iter().zip(&index) {
                let Some(v) = f.properties.get(*k).filter(|v| !v.is_null()) else {
                    continue;
                };
                let value = match (fields[k], v) {
                    (Kind::Bool, Value::Bool(b)) => FieldValue::IntegerValue(*b as i32),
                    (Kind::Integer, Value::Number(n)) => {
                        FieldValue::Integer64Value(n.as_i64().unwrap_or(0))
                    }
                    (Kind::Real, Value::Number(n)) => {
                        FieldValue::RealValue(n.as_f64().unwrap_or(f64::NAN))
                    }
                    (_, v) => FieldValue::StringValue(text(v)),
                };
                feature.set_field(*i, &value)?;
            }
            feature.create(&out)?;
        }
    }
    txn.commit()?;
    Ok(())
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Write the GeoPackage at `path` (replacing it) with `layers` and their default styles.
pub fn write(path: &Path, layers: &[OutLayer], working_crs: &str) -> Result<()> {
    // A temporary name that still ends in .gpkg, as GDAL expects of a GeoPackage.
    let tmp = path.with_extension("zdz-tmp.gpkg");
    let _ = std::fs::remove_file(&tmp);
    let srs = crate::crs::spatial_ref(working_crs)?;
    {
        let driver = DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = driver
            .create_vector_only(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        for layer in layers {
            write_layer(&mut ds, layer, &srs)
                .with_context(|| format!("{}: layer {}", path.display(), layer.style.layer))?;
        }
        // The table QGIS reads default styles from.
        ds.execute_sql(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)",
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )?;
        for layer in layers {
            let s = layer.style;
            ds.execute_sql(
                format!(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner) VALUES ('', '', {}, 'geom', {}, {}, {}, 1, {}, 'zdz')",
                    sql_text(s.layer),
                    sql_text(s.layer),
                    sql_text(&qml::qml(s)),
                    sql_text(&sld::sld(s)),
                    sql_text(&format!("{} — zdz default style", s.title)),
                ),
                None,
                gdal::vector::sql::Dialect::SQLITE,
            )?;
        }
        ds.execute_sql(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('layer_styles', 'attributes', 'layer_styles')",
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}
