//! `results.gpkg`: every result and input layer in the working CRS, one geometry type per
//! layer, field types from the values, and a `layer_styles` table holding each layer's QGIS
//! style (and SLD) as its default, so QGIS opens every layer styled.
//!
//! Written with the `geopackage` crate rather than GDAL's per-feature writer: it inserts
//! rows through one prepared statement and packs each layer's RTree spatial index in one
//! pass, where GDAL 3.6 inserts every entry through SQLite's RTree module: for 364,750
//! pipes its index alone took 4.3 s, and all of zdz's writing went from 11.8 s to about
//! 4 s (README, Performance).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use geo::{Geometry, MultiLineString, MultiPolygon};
use geopackage::core::types::{ColumnType, GeometryType};
use geopackage::{
    ColumnSpec, GeoPackage, GeometrySpec, JournalMode, NewFeature, OpenOptions, Srs, Synchronous,
    TableSchemaBuilder, Value as Cell,
};
use rayon::prelude::*;
use serde_json::Value;

use super::geojson::OutFeature;
use crate::styles::model::{LayerStyle, Shape};
use crate::styles::{qml, sld};

/// One layer to write: its style (name, shape) and features in the working CRS.
pub struct OutLayer<'a> {
    pub style: &'a LayerStyle,
    pub features: Vec<OutFeature>,
}

/// A layer's rows already typed: its columns in order, and each row's geometry (in the
/// working CRS) with one value per column. The pipes are written this way, straight from
/// the model: two million JSON objects built only to be taken apart again cost more than
/// writing them.
pub struct Table<I> {
    pub columns: Vec<(String, Kind)>,
    pub rows: I,
}

/// A column's type in the GeoPackage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Bool,
    Integer,
    Real,
    Text,
}

/// The kind of one value, or `None` for null (which fits any column).
fn kind_of(v: &Value) -> Option<Kind> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(Kind::Bool),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(Kind::Integer),
        Value::Number(_) => Some(Kind::Real),
        _ => Some(Kind::Text),
    }
}

/// The column kind that holds both: integers widen to reals, anything else mixed to text.
fn widen(a: Option<Kind>, b: Kind) -> Kind {
    match (a, b) {
        (None, b) => b,
        (Some(a), b) if a == b => a,
        (Some(Kind::Integer), Kind::Real) | (Some(Kind::Real), Kind::Integer) => Kind::Real,
        _ => Kind::Text,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn cell(kind: Kind, v: Option<&Value>) -> Cell {
    match (kind, v) {
        (_, None | Some(Value::Null)) => Cell::Null,
        (Kind::Bool, Some(Value::Bool(b))) => Cell::Boolean(*b),
        (Kind::Integer, Some(Value::Number(n))) => n.as_i64().map_or(Cell::Null, Cell::Integer),
        (Kind::Real, Some(Value::Number(n))) => n.as_f64().map_or(Cell::Null, Cell::Float),
        (_, Some(v)) => Cell::Text(text(v)),
    }
}

/// A typed value as JSON (for the feature server, which serves the same rows).
pub fn json_of(cell: Cell) -> Value {
    match cell {
        Cell::Boolean(b) => Value::Bool(b),
        Cell::Integer(i) => i.into(),
        Cell::Float(f) => f.into(),
        Cell::Text(t) => Value::String(t),
        _ => Value::Null,
    }
}

fn column_type(kind: Kind) -> ColumnType {
    match kind {
        Kind::Bool => ColumnType::Boolean,
        Kind::Integer => ColumnType::Integer,
        Kind::Real => ColumnType::Double,
        Kind::Text => ColumnType::Text(None),
    }
}

/// Bring a geometry to the layer's single type (points stay points; lines and polygons
/// become their multi form).
fn uniform(g: Geometry, shape: Shape) -> Option<Geometry> {
    match (shape, g) {
        (Shape::Point, g @ Geometry::Point(_)) => Some(g),
        (Shape::Line, Geometry::LineString(l)) => {
            Some(Geometry::MultiLineString(MultiLineString(vec![l])))
        }
        (Shape::Line, g @ Geometry::MultiLineString(_)) => Some(g),
        (Shape::Polygon, Geometry::Polygon(p)) => {
            Some(Geometry::MultiPolygon(MultiPolygon(vec![p])))
        }
        (Shape::Polygon, g @ Geometry::MultiPolygon(_)) => Some(g),
        _ => None,
    }
}

fn geometry_type(shape: Shape) -> GeometryType {
    match shape {
        Shape::Point => GeometryType::Point,
        Shape::Line => GeometryType::MultiLineString,
        Shape::Polygon => GeometryType::MultiPolygon,
    }
}

/// The kind of a typed value, or `None` for null.
fn kind_of_cell(c: &Cell) -> Option<Kind> {
    match c {
        Cell::Boolean(_) => Some(Kind::Bool),
        Cell::Integer(_) => Some(Kind::Integer),
        Cell::Float(_) => Some(Kind::Real),
        Cell::Null => None,
        _ => Some(Kind::Text),
    }
}

/// A typed value brought to its column's kind, as `table_of` brings a JSON value.
fn widened(kind: Kind, c: Cell) -> Cell {
    match (kind, c) {
        (_, Cell::Null) => Cell::Null,
        (Kind::Real, Cell::Integer(i)) => Cell::Float(i as f64),
        (Kind::Text, Cell::Boolean(b)) => Cell::Text(b.to_string()),
        (Kind::Text, Cell::Integer(i)) => Cell::Text(i.to_string()),
        (Kind::Text, Cell::Float(f)) => Cell::Text(json_of(Cell::Float(f)).to_string()),
        (_, c) => c,
    }
}

/// Typed rows as a table, each column of the kind that holds all its values (text when
/// it has none), as `table_of` gives for the same values as JSON: a large layer is
/// written without building a JSON object per feature.
pub fn typed_table(
    names: &[&str],
    rows: Vec<(Option<Geometry>, Vec<Cell>)>,
) -> Table<impl ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)>> {
    let mut seen: Vec<Option<Kind>> = vec![None; names.len()];
    for (_, values) in &rows {
        for (column, v) in values.iter().enumerate() {
            if let Some(kind) = kind_of_cell(v) {
                seen[column] = Some(widen(seen[column], kind));
            }
        }
    }
    let kinds: Vec<Kind> = seen.into_iter().map(|k| k.unwrap_or(Kind::Text)).collect();
    let columns = names
        .iter()
        .map(|n| n.to_string())
        .zip(kinds.clone())
        .collect();
    Table {
        columns,
        rows: rows.into_iter().map(move |(g, values)| {
            let values = values
                .into_iter()
                .zip(&kinds)
                .map(|(v, kind)| widened(*kind, v))
                .collect();
            (g, values)
        }),
    }
}

/// The column of `key`, looked for first where the previous key's column ends (`after`):
/// features mostly have the same keys in the same order, so this is one comparison rather
/// than a search of every column for every value (202,360 outfalls of 25 properties).
fn column_of(keys: &[String], key: &str, after: usize) -> Option<usize> {
    match keys.get(after) {
        Some(k) if k == key => Some(after),
        _ => keys.iter().position(|c| c == key),
    }
}

/// The features as a table: columns in the order first seen, each with the kind that
/// holds all its values.
fn table_of(
    features: &[OutFeature],
) -> Table<impl ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)>> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen: Vec<Option<Kind>> = Vec::new();
    for f in features {
        let mut after = 0;
        for (k, v) in &f.properties {
            let column = match column_of(&keys, k, after) {
                Some(i) => i,
                None => {
                    keys.push(k.clone());
                    seen.push(None);
                    keys.len() - 1
                }
            };
            if let Some(kind) = kind_of(v) {
                seen[column] = Some(widen(seen[column], kind));
            }
            after = column + 1;
        }
    }
    let kinds: Vec<Kind> = seen.into_iter().map(|k| k.unwrap_or(Kind::Text)).collect();
    // Inside rayon's pool (the analysis layers) the rows are made on every core; outside
    // it (the workspace's layers, written while the analysis keeps the pool busy) they
    // are made here, rather than wait in the pool's queue behind the analysis.
    let row = |f: &OutFeature| {
        let mut values = vec![Cell::Null; keys.len()];
        let mut after = 0;
        for (k, v) in &f.properties {
            let column = column_of(&keys, k, after).expect("every key has a column");
            values[column] = cell(kinds[column], Some(v));
            after = column + 1;
        }
        (f.geom.clone(), values)
    };
    let rows: Vec<(Option<Geometry>, Vec<Cell>)> = if rayon::current_thread_index().is_some() {
        features.par_iter().map(row).collect()
    } else {
        features.iter().map(row).collect()
    };
    let columns = keys.into_iter().zip(kinds).collect();
    Table {
        columns,
        rows: rows.into_iter(),
    }
}

fn write_table(
    gpkg: &GeoPackage,
    style: &LayerStyle,
    table: Table<impl ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)>>,
    srs_id: i32,
) -> Result<()> {
    let mut schema = TableSchemaBuilder::new(style.layer)
        .primary_key("fid")
        .identifier(style.layer)
        .description(style.title)
        .geometry(GeometrySpec::new(geometry_type(style.shape), srs_id).column_name("geom"));
    for (name, kind) in &table.columns {
        schema = schema.column(ColumnSpec::new(name.as_str(), column_type(*kind)));
    }
    gpkg.create_layer(&schema)?;
    let rows = table.rows.map(
        |(geom, values)| match geom.and_then(|g| uniform(g, style.shape)) {
            Some(g) => NewFeature::new(g, values),
            None => NewFeature::attributes(values),
        },
    );
    gpkg.layer(style.layer)?.write_all(rows, 0)?;
    Ok(())
}

/// `results.gpkg` being written: under a temporary name that still ends in .gpkg, renamed
/// into place by `finish`, so a reader never sees half a file. Layers can be added from
/// another thread than the one that created it (the workspace's own layers are written
/// while the analysis runs).
pub struct Writer {
    gpkg: GeoPackage,
    tmp: PathBuf,
    path: PathBuf,
    srs_id: i32,
    /// Layers written with at least one feature.
    written: Vec<&'static str>,
}

impl Writer {
    /// Start `path` (replacing any earlier one only when `finish` succeeds).
    pub fn create(path: &Path, working_crs: &str) -> Result<Writer> {
        let tmp = path.with_extension("zdz-tmp.gpkg");
        let _ = std::fs::remove_file(&tmp);
        let started = (|| -> Result<(GeoPackage, i32)> {
            let gpkg = OpenOptions::new()
                .journal_mode(JournalMode::Delete)
                // Written under a temporary name and renamed when complete, so a crash
                // loses nothing the user had; syncing every commit buys nothing.
                .synchronous(Synchronous::Off)
                .create(&tmp)?;
            let srs_id = working_srs(&gpkg, working_crs)?;
            Ok((gpkg, srs_id))
        })();
        let (gpkg, srs_id) = started
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
            .with_context(|| format!("{}: cannot write", path.display()))?;
        Ok(Writer {
            gpkg,
            tmp,
            path: path.to_path_buf(),
            srs_id,
            written: Vec::new(),
        })
    }

    /// Write one layer; a layer without features is left out.
    pub fn add(&mut self, layer: &OutLayer) -> Result<()> {
        self.add_table(layer.style, || table_of(&layer.features))
    }

    /// Write one layer from typed rows; a layer without rows is left out.
    pub fn add_table<I: ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)>>(
        &mut self,
        style: &LayerStyle,
        table: impl FnOnce() -> Table<I>,
    ) -> Result<()> {
        let name = style.layer;
        let written = crate::timing::phase(format!("write: results.gpkg {name}"), || {
            let table = table();
            if table.rows.len() == 0 {
                return Ok(false);
            }
            write_table(&self.gpkg, style, table, self.srs_id).map(|()| true)
        })
        .with_context(|| format!("{}: cannot write layer {name}", self.path.display()))?;
        if written {
            self.written.push(name);
            // The layer's rows are committed, so its pages are in the file: they start
            // going to disk now rather than all when the file is complete.
            crate::atomic::start_writeback(&self.tmp);
        }
        Ok(())
    }

    /// Add each written layer's default style, close, and move the file into place.
    pub fn finish(self, styles: &[&LayerStyle]) -> Result<()> {
        let Writer {
            gpkg,
            tmp,
            path,
            written,
            ..
        } = self;
        let closed = (|| -> Result<()> {
            let present: Vec<&LayerStyle> = styles
                .iter()
                .copied()
                .filter(|s| written.contains(&s.layer))
                .collect();
            write_styles(&gpkg, &present)?;
            // Declared GeoPackage 1.3: GDAL 3.6 and the QGIS built on it (Debian 12's)
            // warn on every open of a 1.4 file. What the file holds is what 1.3 requires:
            // its R-tree triggers (GDAL's validate_gpkg.py checks them by name).
            rtree_triggers_of_1_3(gpkg.connection())?;
            gpkg.connection()
                .pragma_update(None, "user_version", 10300)?;
            gpkg.close()?;
            Ok(())
        })();
        if let Err(e) = closed {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.context(format!("{}: cannot write", path.display())));
        }
        crate::atomic::put_in_place(&tmp, &path)
    }
}

/// Replace the R-tree triggers that GeoPackage 1.4 renamed (`update5`–`update7`) by the
/// 1.2/1.3 set's `update1` and `update3` (Annex F.3 of those versions), on every indexed
/// table, and name the 1.2 extension definition: a file declared 1.3 holds what 1.3
/// readers and validators look for. `insert`, `update2`, `update4` and `delete` are the same
/// in both versions.
fn rtree_triggers_of_1_3(db: &rusqlite::Connection) -> Result<()> {
    let indexed: Vec<(String, String)> = db
        .prepare(
            "SELECT table_name, column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (table, column) in indexed {
        let pk: String = db.query_row(
            &format!(
                "SELECT name FROM pragma_table_info({}) WHERE pk = 1",
                sql_text(&table)
            ),
            [],
            |r| r.get(0),
        )?;
        let rtree = format!("rtree_{table}_{column}");
        let (rt, t, c, i) = (q(&rtree), q(&table), q(&column), q(&pk));
        let name = |suffix: &str| q(&format!("{rtree}_{suffix}"));
        let bounds =
            format!("ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})");
        let mut sql = String::new();
        for old in ["update5", "update6", "update7"] {
            sql += &format!("DROP TRIGGER IF EXISTS {};\n", name(old));
        }
        // Update of the geometry to a non-empty one, no row id change.
        sql += &format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t} \
             WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
             BEGIN INSERT OR REPLACE INTO {rt} VALUES (NEW.{i}, {bounds}); END;\n",
            name("update1")
        );
        // Row id change, non-empty geometry.
        sql += &format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t} \
             WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
             BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; \
             INSERT OR REPLACE INTO {rt} VALUES (NEW.{i}, {bounds}); END;\n",
            name("update3")
        );
        db.execute_batch(&sql)?;
    }
    db.execute(
        "UPDATE gpkg_extensions SET definition = 'http://www.geopackage.org/spec120/#extension_rtree' WHERE extension_name = 'gpkg_rtree_index'",
        [],
    )?;
    Ok(())
}

/// `s` as an SQL string literal.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Register the working CRS with GDAL's own WKT1 of it, under its EPSG code.
fn working_srs(gpkg: &GeoPackage, working_crs: &str) -> Result<i32> {
    let srs = crate::crs::spatial_ref(working_crs)?;
    let code: i32 = working_crs
        .rsplit(':')
        .next()
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("working CRS {working_crs} has no EPSG code"))?;
    gpkg.add_srs(&Srs {
        name: srs.name().unwrap_or_else(|| working_crs.to_string()),
        srs_id: code,
        organization: "EPSG".into(),
        organization_coordsys_id: code,
        definition: srs.to_wkt()?,
        description: None,
        definition_wkt2: None,
        epoch: None,
    })?;
    Ok(code)
}

/// The `layer_styles` table QGIS reads default styles from, one default row per layer.
fn write_styles(gpkg: &GeoPackage, styles: &[&LayerStyle]) -> Result<()> {
    let conn = gpkg.connection();
    conn.execute_batch(
        "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('layer_styles', 'attributes', 'layer_styles');",
    )?;
    let mut insert = conn.prepare(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner) VALUES ('', '', ?1, 'geom', ?1, ?2, ?3, 1, ?4, 'zdz')",
    )?;
    for s in styles {
        insert.execute((
            s.layer,
            qml::qml(s),
            sld::sld(s),
            format!("{} — zdz default style", s.title),
        ))?;
    }
    Ok(())
}
