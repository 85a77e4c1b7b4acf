//! Open one layer through GDAL and read its features: the declared or configured CRS, the
//! text encoding of a Shapefile, the fields matched to the contract, and every geometry
//! transformed into the working CRS. Attribute values stay text here; `domain` parses them.
//!
//! A feature whose geometry cannot be read or transformed is kept with the reason, so it
//! can be reported rather than dropped.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use gdal::spatial_ref::SpatialRef;
use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{CoordsIter, Geometry, MapCoordsInPlace};
use litemap::LiteMap;
use rayon::prelude::*;
use serde::Serialize;

use super::arrow;
use super::encoding::{shapefile_encoding, text_table_encoding, utf8_copy};
use super::fields::{Cell, field_cell, field_text};
use super::source::LayerSource;
use super::swmm;
use super::table_coords::{self, CoordOrder};
use crate::contract::{LayerKind, NUMBER_FIELDS};
use crate::crs;
use crate::project::{CoordTag, LayerConfig};
use rust_i18n::t;

/// One feature as read: its fid, the contract fields found (as text) and its geometry in
/// the working CRS, or why there is none.
#[derive(Debug, Clone)]
pub struct RawFeature {
    pub fid: Option<u64>,
    /// The contract's fields present, as text: a handful per feature, kept in one short
    /// sorted list rather than a tree (two million pipes carried 460 bytes of tree each).
    pub values: LiteMap<&'static str, String>,
    /// The contract's numeric fields (`NUMBER_FIELDS`) that the source holds as numbers,
    /// as they are: two million pipes' levels are not written out as text to be parsed back.
    pub numbers: LiteMap<&'static str, f64>,
    /// For rivers: the text of every name-like field (`name`, `name_zh`, `名称` …).
    pub names: Vec<String>,
    pub geom: Result<Geometry, String>,
}

/// What zdz found out about a layer while reading it (also what `zdz check` prints).
#[derive(Debug, Clone, Serialize)]
pub struct LayerReport {
    pub layer: LayerKind,
    pub source: String,
    pub layer_name: String,
    pub driver: String,
    pub crs: String,
    pub coords: Option<CoordTag>,
    pub encoding: Option<String>,
    pub feature_count: usize,
    /// Canonical field → the field (or `= constant`) it was read from.
    pub fields: BTreeMap<&'static str, String>,
    /// Bounds in WGS84 lon/lat: west, south, east, north.
    pub bounds_wgs84: Option<[f64; 4]>,
    /// The source declared no CRS and one was taken by default (a CSV as WGS84 lon/lat).
    pub crs_assumed: bool,
    /// For a rivers layer none of whose features is the main stem: its text fields and a
    /// few of their values, to say which one holds the names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub name_fields: Vec<(String, Vec<String>)>,
    /// For a table of points: which columns were read as the easting and the northing, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coord_order: Option<CoordOrder>,
}

/// A layer opened and checked, ready to read.
pub struct OpenedLayer {
    pub source: LayerSource,
    driver: String,
    dataset: Dataset,
    /// What GDAL opened, and with which open options: a reading thread opens its own.
    gdal_path: String,
    open_options: Vec<String>,
    layer_name: String,
    /// The layer's CRS as WKT: GDAL's spatial references may not cross threads, layers do.
    srs_wkt: String,
    /// Its short name (`EPSG:4545`) for messages and reports.
    srs_name: String,
    coords: Option<CoordTag>,
    encoding: Option<String>,
    /// No CRS was declared and one was taken by default.
    crs_assumed: bool,
    /// Where a message should point: file and layer.
    place: String,
    has_geometry: bool,
    /// A table whose points are in coordinate columns.
    table: Option<TablePoints>,
}

/// A table's coordinate columns, in the order that places its points, and their extent in
/// the table's CRS.
#[derive(Debug, Clone)]
struct TablePoints {
    east: usize,
    north: usize,
    order: CoordOrder,
    bounds: Option<[f64; 4]>,
}

/// Drivers whose data is WGS84 lon/lat when it declares nothing.
const LONLAT_DRIVERS: &[&str] = &["GeoJSON", "GeoJSONSeq", "CSV", "KML", "LIBKML", "GPX"];

impl OpenedLayer {
    pub fn open(source: &LayerSource) -> Result<OpenedLayer> {
        let path = Path::new(&source.dataset);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();

        let Opening {
            gdal_path,
            options,
            encoding,
        } = Opening::of(path, source.config.encoding.clone())?;
        // A SWMM model is read as the GeoJSON of one of its layers, in GDAL's memory.
        let (gdal_path, source) = if ext == "inp" {
            swmm_source(source)?
        } else {
            (gdal_path, source.clone())
        };
        let source = &source;
        let dataset = open_dataset(&gdal_path, &options).map_err(|e| {
            let detail = e.to_string();
            let detail = if detail.ends_with("Error msg: ''") {
                t!("err.not_a_format").into_owned()
            } else {
                detail
            };
            anyhow!(
                "{}",
                t!("err.gdal_open", path = source.dataset, detail = detail)
            )
        })?;

        let layer_name = pick_layer(&dataset, source)?;
        let place = format!("{}, layer {}", source.dataset, layer_name);
        let driver = if ext == "inp" {
            "SWMM".to_string()
        } else {
            dataset.driver().short_name()
        };
        let (declared, has_geometry) = {
            let l = dataset.layer_by_name(&layer_name)?;
            (l.spatial_ref(), l.defn().geom_fields().count() > 0)
        };

        // A table of points: its coordinate columns, and every row's pair as given.
        let columns = if !has_geometry && source.kind.points_from_tables() {
            let l = dataset.layer_by_name(&layer_name)?;
            let fields: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
            table_coords::columns(&fields, source.config.coords_fields.as_ref(), &place)?
                .map(|c| (c, table_coords::pairs))
        } else {
            None
        };
        let columns = match columns {
            Some((c, read)) => {
                let pairs = read(&dataset, &layer_name, &c, source.config.filter.as_deref())?;
                Some((c, pairs))
            }
            None => None,
        };
        let prj = beside(path, "prj");
        let lonlat_values = columns.as_ref().is_some_and(|(c, pairs)| {
            c.lonlat
                || (!pairs.is_empty()
                    && pairs
                        .iter()
                        .all(|(a, b)| a.abs() <= 180.0 && b.abs() <= 180.0))
        });

        // GeoJSON, KML and GPX are WGS84 by their specifications; a CSV only by custom.
        let crs_assumed = source.config.crs.is_none()
            && declared.is_none()
            && ((has_geometry
                && !matches!(
                    driver.as_str(),
                    "GeoJSON" | "GeoJSONSeq" | "KML" | "LIBKML" | "GPX"
                ))
                || (columns.is_some() && prj.is_none()));
        let srs = match (&source.config.crs, declared) {
            (Some(def), _) => crs::spatial_ref(def).with_context(|| place.clone())?,
            (None, Some(mut s)) => {
                s.set_axis_mapping_strategy(
                    gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder,
                );
                s
            }
            // A table's coordinates: in the CRS of the .prj beside it, else lon/lat.
            (None, None) if columns.is_some() => match &prj {
                Some(prj) => {
                    let text = std::fs::read_to_string(prj)
                        .with_context(|| format!("{}: cannot read", prj.display()))?;
                    crs::spatial_ref(text.trim())
                        .with_context(|| format!("{}: not a coordinate system", prj.display()))?
                }
                None if lonlat_values => crs::wgs84(),
                None => bail!(
                    "{}",
                    t!("err.no_crs", place = place, layer = source.kind.name())
                ),
            },
            // A plain table (inspections in a spreadsheet) has no coordinates to place.
            (None, None) if !has_geometry => crs::wgs84(),
            (None, None) if LONLAT_DRIVERS.contains(&driver.as_str()) => crs::wgs84(),
            (None, None) => bail!(
                "{}",
                t!("err.no_crs", place = place, layer = source.kind.name())
            ),
        };
        let table = match columns {
            Some((c, pairs)) => Some(table_points(&c, &pairs, &srs, &place, source.kind)?),
            None => None,
        };
        let coords = source.config.coords.filter(|c| *c != CoordTag::Wgs84);
        if coords.is_some() && !srs.is_geographic() {
            let tag = serde_json::to_value(coords).unwrap_or_default();
            bail!(
                "{}",
                t!(
                    "err.coords_not_lonlat",
                    place = place,
                    tag = tag.as_str().unwrap_or(""),
                    crs = crs::describe(&srs)
                )
            );
        }
        Ok(OpenedLayer {
            source: source.clone(),
            driver,
            dataset,
            gdal_path,
            open_options: options,
            layer_name,
            srs_wkt: srs.to_wkt()?,
            srs_name: crs::describe(&srs),
            coords,
            encoding,
            crs_assumed,
            place,
            has_geometry,
            table,
        })
    }

    /// Whether the layer has a geometry column (a table of points read from coordinate
    /// columns has none).
    pub fn has_geometry(&self) -> bool {
        self.has_geometry
    }

    fn srs(&self) -> Result<SpatialRef> {
        crs::spatial_ref(&self.srs_wkt)
    }

    fn layer(&self) -> Result<gdal::vector::Layer<'_>> {
        let mut layer = self.dataset.layer_by_name(&self.layer_name)?;
        if let Some(filter) = &self.source.config.filter {
            layer
                .set_attribute_filter(filter)
                .with_context(|| format!("{}: bad `where` filter `{filter}`", self.place))?;
        }
        Ok(layer)
    }

    /// The layer's bounds in WGS84 lon/lat, checked against its declared CRS.
    pub fn bounds_wgs84(&self) -> Result<Option<[f64; 4]>> {
        // Inspections are records about outfalls: where they were taken does not place
        // the workspace, and a spreadsheet of them has no extent at all.
        if self.source.kind == LayerKind::Inspections {
            return Ok(None);
        }
        let b = if let Some(table) = &self.table {
            match table.bounds {
                Some(b) => b,
                None => return Ok(None),
            }
        } else {
            let layer = self.layer()?;
            let Some(env) = layer.try_get_extent()?.or_else(|| layer.get_extent().ok()) else {
                return Ok(None);
            };
            if layer.feature_count() == 0 {
                return Ok(None);
            }
            [env.MinX, env.MinY, env.MaxX, env.MaxY]
        };
        let srs = self.srs()?;
        if srs.is_geographic() && (b[0] < -180.0 || b[2] > 180.0 || b[1] < -90.0 || b[3] > 90.0) {
            bail!(
                "{}",
                t!(
                    "err.not_degrees",
                    place = self.place,
                    x0 = format!("{:.1}", b[0]),
                    x1 = format!("{:.1}", b[2]),
                    y0 = format!("{:.1}", b[1]),
                    y1 = format!("{:.1}", b[3]),
                    crs = self.srs_name,
                    layer = self.source.kind.name()
                )
            );
        }
        let to_wgs84 = crs::transform(&srs, &crs::wgs84())?;
        let out = to_wgs84
            .transform_bounds(&b, 21)
            .with_context(|| format!("{}: bounds cannot be transformed to WGS84", self.place))?;
        Ok(Some(out))
    }

    /// Match the layer's fields to the contract: the zdz.toml map first, then names and aliases.
    fn field_indices(&self) -> Result<BTreeMap<&'static str, (usize, String)>> {
        let layer = self.layer()?;
        let present: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
        let config = &self.source.config;
        let mut found = BTreeMap::new();
        // A field given a constant by `set` is not read from the source at all.
        let read_from_source = self
            .source
            .kind
            .fields()
            .iter()
            .filter(|f| !config.set.contains_key(f.name));
        for spec in read_from_source {
            let index = if let Some(mapped) = config.fields.get(spec.name) {
                let Some(i) = present.iter().position(|p| p.eq_ignore_ascii_case(mapped)) else {
                    bail!(
                        "{}",
                        t!(
                            "err.mapped_field_missing",
                            place = self.place,
                            field = spec.name,
                            mapped = mapped,
                            fields = present.join(", ")
                        )
                    );
                };
                Some(i)
            } else {
                present.iter().position(|p| spec.matches(p))
            };
            match index {
                Some(i) => {
                    found.insert(spec.name, (i, present[i].clone()));
                }
                None if spec.required => bail!(
                    "{}",
                    t!(
                        "err.required_field",
                        place = self.place,
                        layer = self.source.kind.name(),
                        field = spec.name,
                        aliases = spec.aliases.join(", "),
                        fields = if present.is_empty() {
                            "none".to_string()
                        } else {
                            present.join(", ")
                        }
                    )
                ),
                None => {}
            }
        }
        Ok(found)
    }

    /// Read every feature, with geometry in the working CRS, in runs (each of GDAL's Arrow
    /// batches, or `RUN_FEATURES` features when read feature by feature), and hand each run
    /// to `per_run` on whichever core read or converted it: what it makes of the runs comes
    /// back in the layer's order. A run's raw features are gone once `per_run` is done with
    /// them, so a large layer is never held twice, as text and as domain types.
    /// `bounds_wgs84` is what `bounds_wgs84()` gave when the workspace was placed: not
    /// computed again (on a filtered layer it scans every feature).
    pub fn read_runs<R: Send>(
        &self,
        working: &str,
        bounds_wgs84: Option<[f64; 4]>,
        per_run: impl Fn(Vec<RawFeature>) -> R + Sync,
    ) -> Result<(LayerReport, Vec<R>)> {
        let fields = self.field_indices()?;
        // Constants from `set`, keyed by the contract's own field names.
        let set: Vec<(&'static str, &String)> = self
            .source
            .kind
            .fields()
            .iter()
            .filter_map(|f| self.source.config.set.get(f.name).map(|v| (f.name, v)))
            .collect();
        let name_fields: Vec<usize> = if self.source.kind == LayerKind::Rivers {
            let layer = self.layer()?;
            layer
                .defn()
                .fields()
                .enumerate()
                .filter(|(_, f)| {
                    let n = f.name().to_lowercase();
                    n.contains("name") || n.contains('名')
                })
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        let plan = ReadPlan {
            fields: &fields,
            set: &set,
            name_fields: &name_fields,
            config: &self.source.config,
            srs_wkt: &self.srs_wkt,
            coords: self.coords,
            working,
            table: self.table.as_ref().map(|t| (t.east, t.north)),
        };
        let counted = |runs: Vec<(usize, R)>| -> (usize, Vec<R>) {
            let count = runs.iter().map(|(n, _)| n).sum();
            (count, runs.into_iter().map(|(_, r)| r).collect())
        };
        // Each run's feature count beside what was made of it.
        let per_run = |raws: Vec<RawFeature>| (raws.len(), per_run(raws));
        if let Some(runs) = self.arrow_read(&plan, &per_run)? {
            let (count, runs) = counted(runs);
            return Ok((self.report(fields, &set, bounds_wgs84, count), runs));
        }
        let runs = match self.fid_ranges()? {
            None => in_runs(plan.read(&mut self.layer()?)?)
                .into_par_iter()
                .map(per_run)
                .collect(),
            // A large GeoPackage layer: FID ranges read in parallel, each thread through
            // its own connection, joined back in FID order.
            Some((fid_column, ranges)) => {
                let (path, options, name) = (&self.gdal_path, &self.open_options, &self.layer_name);
                let (user_filter, place) = (&self.source.config.filter, &self.place);
                let parts: Vec<Result<Vec<(usize, R)>>> = ranges
                    .into_par_iter()
                    .map(|(lo, hi)| {
                        let dataset = open_dataset(path, options)?;
                        let mut layer = dataset.layer_by_name(name)?;
                        let range = format!("\"{fid_column}\" >= {lo} AND \"{fid_column}\" < {hi}");
                        let filter = match user_filter {
                            Some(user) => format!("({user}) AND {range}"),
                            None => range,
                        };
                        layer
                            .set_attribute_filter(&filter)
                            .with_context(|| format!("{place}: bad `where` filter `{filter}`"))?;
                        Ok(in_runs(plan.read(&mut layer)?)
                            .into_iter()
                            .map(per_run)
                            .collect())
                    })
                    .collect();
                let mut runs = Vec::new();
                for part in parts {
                    runs.extend(part?);
                }
                runs
            }
        };
        let (count, runs) = counted(runs);
        Ok((self.report(fields, &set, bounds_wgs84, count), runs))
    }

    /// What was read: source, driver, CRS, encoding, fields matched and features read.
    fn report(
        &self,
        fields: BTreeMap<&'static str, (usize, String)>,
        set: &[(&'static str, &String)],
        bounds_wgs84: Option<[f64; 4]>,
        feature_count: usize,
    ) -> LayerReport {
        let mut field_report: BTreeMap<&'static str, String> =
            fields.into_iter().map(|(k, (_, n))| (k, n)).collect();
        for (name, value) in set {
            field_report.insert(*name, format!("= {value}"));
        }
        LayerReport {
            layer: self.source.kind,
            source: self.source.dataset.clone(),
            layer_name: self.layer_name.clone(),
            driver: self.driver.clone(),
            crs: self.srs_name.clone(),
            coords: self.coords,
            encoding: self.encoding.clone(),
            feature_count,
            crs_assumed: self.crs_assumed,
            name_fields: Vec::new(),
            fields: field_report,
            bounds_wgs84,
            coord_order: self.table.as_ref().map(|t| t.order.clone()),
        }
    }

    /// A large GeoPackage layer read whole (no `where`, no web-map offset to undo, no
    /// river names to gather) through GDAL's Arrow stream; `None` when that does not apply.
    fn arrow_read<R: Send>(
        &self,
        plan: &ReadPlan,
        per_run: &(impl Fn(Vec<RawFeature>) -> R + Sync),
    ) -> Result<Option<Vec<R>>> {
        if self.driver != "GPKG"
            || self.source.config.filter.is_some()
            || self.coords.is_some()
            || !plan.name_fields.is_empty()
        {
            return Ok(None);
        }
        let mut layer = self.layer()?;
        if layer.feature_count() < PARALLEL_READ_MIN {
            return Ok(None);
        }
        let Some(geometry_column) = layer_name_of(&layer, gdal_sys::OGR_L_GetGeometryColumn) else {
            return Ok(None);
        };
        plan.read_arrow(&mut layer, &geometry_column, per_run)
    }

    /// For a GeoPackage layer of more than `PARALLEL_READ_MIN` features: its FID column
    /// and FID ranges to be read in parallel. Other drivers have no cheap way
    /// to start a read part-way through, and are read by one thread.
    fn fid_ranges(&self) -> Result<Option<FidRanges>> {
        let threads = rayon::current_num_threads();
        if self.driver != "GPKG" || threads < 2 {
            return Ok(None);
        }
        let layer = self.dataset.layer_by_name(&self.layer_name)?;
        if layer.feature_count() < PARALLEL_READ_MIN {
            return Ok(None);
        }
        let Some(fid_column) = layer_name_of(&layer, gdal_sys::OGR_L_GetFIDColumn) else {
            return Ok(None);
        };
        if fid_column.is_empty() || fid_column.contains('"') || self.layer_name.contains('"') {
            return Ok(None);
        }
        let sql = format!(
            "SELECT MIN(\"{fid_column}\"), MAX(\"{fid_column}\") FROM \"{}\"",
            self.layer_name
        );
        let Some(mut rows) =
            self.dataset
                .execute_sql(&sql, None, gdal::vector::sql::Dialect::SQLITE)?
        else {
            return Ok(None);
        };
        let Some(row) = rows.features().next() else {
            return Ok(None);
        };
        let (Some(lo), Some(hi)) = (row.field_as_integer64(0)?, row.field_as_integer64(1)?) else {
            return Ok(None);
        };
        // Several ranges per core, so a core that finishes the small layers early takes
        // its share of the large one.
        let parts = 4 * threads as i64;
        let step = (hi - lo) / parts + 1;
        let ranges = (0..parts)
            .map(|k| (lo + k * step, (lo + (k + 1) * step).min(hi + 1)))
            .filter(|(a, b)| a < b)
            .collect();
        Ok(Some((fid_column, ranges)))
    }

    pub fn place(&self) -> &str {
        &self.place
    }

    /// The GDAL driver's short name (`GPKG`, `ESRI Shapefile`, `CSV` …).
    pub fn driver(&self) -> &str {
        &self.driver
    }

    pub fn crs_name(&self) -> String {
        self.srs_name.clone()
    }
}

/// A column name GDAL reports for a layer (its FID or geometry column), if any.
fn layer_name_of(
    layer: &gdal::vector::Layer,
    get: unsafe extern "C" fn(gdal_sys::OGRLayerH) -> *const std::ffi::c_char,
) -> Option<String> {
    // SAFETY: the layer handle is alive; GDAL returns a string it owns, copied here.
    unsafe {
        let c = get(layer.c_layer());
        (!c.is_null()).then(|| std::ffi::CStr::from_ptr(c).to_string_lossy().into_owned())
    }
}

/// A layer's FID column and the half-open FID ranges that split it.
type FidRanges = (String, Vec<(i64, i64)>);

/// From this many features on, a GeoPackage layer is read through the Arrow stream or in
/// parallel FID ranges; below it, feature by feature on one thread.
const PARALLEL_READ_MIN: u64 = 100_000;

/// How zdz opens a file with GDAL: the path GDAL reads (a UTF-8 copy in GDAL's memory for
/// a text table in another encoding), the open options, and the text encoding found or
/// configured (a Shapefile's .dbf, a CSV), which `zdz init` and `zdz check` report.
pub struct Opening {
    pub gdal_path: String,
    pub options: Vec<String>,
    pub encoding: Option<String>,
}

impl Opening {
    /// `configured` is zdz.toml's encoding for the layer, if any; else the bytes decide
    /// (`shapefile_encoding`, `text_table_encoding`).
    pub fn of(path: &Path, configured: Option<String>) -> Result<Opening> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut options: Vec<String> = Vec::new();
        let mut encoding = configured;
        let mut gdal_path = path.to_string_lossy().into_owned();
        if ext == "shp" || ext == "dbf" {
            if encoding.is_none() {
                encoding = shapefile_encoding(path)?;
            }
            if let Some(enc) = &encoding {
                options.push(format!("ENCODING={enc}"));
            }
        }
        if ext == "xlsx" || ext == "ods" {
            // The first row holds the field names, whatever the cells below hold.
            options.push("HEADERS=FORCE".into());
        }
        if TEXT_TABLES.contains(&ext.as_str()) {
            // GDAL reads a CSV's bytes as UTF-8 and has no option to say otherwise.
            if encoding.is_none() {
                encoding = text_table_encoding(path)?;
            }
            if let Some(enc) = &encoding {
                gdal_path = utf8_copy(path, enc)?;
            }
            // Longitude and latitude columns make points as GDAL reads the table; other
            // coordinate columns (x/y, X坐标/Y坐标 …) are read by zdz (`table_coords`), which
            // decides which is the northing.
            options.extend(
                [
                    "X_POSSIBLE_NAMES=lon,lng,longitude,经度",
                    "Y_POSSIBLE_NAMES=lat,latitude,纬度",
                    "KEEP_GEOM_COLUMNS=NO",
                    "AUTODETECT_TYPE=YES",
                ]
                .map(String::from),
            );
        }
        Ok(Opening {
            gdal_path,
            options,
            encoding,
        })
    }

    /// The dataset, read-only.
    pub fn open(&self) -> gdal::errors::Result<Dataset> {
        open_dataset(&self.gdal_path, &self.options)
    }
}

/// Text tables GDAL's CSV driver reads.
const TEXT_TABLES: &[&str] = &["csv", "tsv", "txt"];

/// A feature's geometry, if it has one. The gdal crate hands back a geometry around a null
/// handle for a feature without geometry, which GDAL then reports as `ERROR 10: Pointer
/// 'hGeom' is NULL` on every use (a message about no file or feature).
pub fn geometry_of<'a>(
    feature: &'a gdal::vector::Feature<'_>,
) -> Option<&'a gdal::vector::Geometry> {
    // SAFETY: reading the handle only; `geometry()` has just set it.
    feature
        .geometry()
        .filter(|g| !unsafe { g.c_geometry() }.is_null())
}

/// Open a vector dataset read-only with `options`.
pub fn open_dataset(path: &str, options: &[String]) -> gdal::errors::Result<Dataset> {
    let option_refs: Vec<&str> = options.iter().map(String::as_str).collect();
    Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: (!option_refs.is_empty()).then_some(&option_refs[..]),
            ..Default::default()
        },
    )
}

/// Everything a thread needs to read features of one layer: shared, read-only, and free
/// of GDAL handles (each thread makes its own).
struct ReadPlan<'a> {
    fields: &'a BTreeMap<&'static str, (usize, String)>,
    set: &'a [(&'static str, &'a String)],
    name_fields: &'a [usize],
    config: &'a LayerConfig,
    srs_wkt: &'a str,
    coords: Option<CoordTag>,
    working: &'a str,
    /// A table's easting and northing columns, by field index.
    table: Option<(usize, usize)>,
}

impl ReadPlan<'_> {
    /// Tagged web-map coordinates: lon/lat → WGS84 (undoing the offset), then → the
    /// working CRS; otherwise the layer's CRS → the working CRS.
    fn transforms(
        &self,
    ) -> Result<(
        Option<gdal::spatial_ref::CoordTransform>,
        gdal::spatial_ref::CoordTransform,
    )> {
        let undo = match self.coords {
            Some(_) => Some(crs::transform(
                &crs::spatial_ref(self.srs_wkt)?,
                &crs::wgs84(),
            )?),
            None => None,
        };
        Ok((undo, self.to_working()?))
    }

    /// The step into the working CRS: from WGS84 for tagged web-map coordinates (their
    /// offset undone first), from the layer's CRS otherwise.
    fn to_working(&self) -> Result<gdal::spatial_ref::CoordTransform> {
        let working = crs::spatial_ref(self.working)?;
        match self.coords {
            Some(_) => crs::transform(&crs::wgs84(), &working),
            None => crs::transform(&crs::spatial_ref(self.srs_wkt)?, &working),
        }
    }

    /// Run `f` with `to_working`, made once per thread and kept (`crs::with_transform`).
    fn with_to_working<R>(
        &self,
        f: impl FnOnce(&gdal::spatial_ref::CoordTransform) -> R,
    ) -> Result<R> {
        let key = format!(
            "{}\n{}\n{}",
            self.coords.is_some(),
            self.srs_wkt,
            self.working
        );
        crs::with_transform(&key, || self.to_working(), f)
    }

    /// Read through GDAL's Arrow stream, the batches converted on every core. `None` when
    /// the stream lacks a column the contract uses, or has it in a type the Arrow path
    /// does not convert: then the layer is read feature by feature.
    fn read_arrow<R: Send>(
        &self,
        layer: &mut gdal::vector::Layer,
        geometry_column: &str,
        per_run: &(impl Fn(Vec<RawFeature>) -> R + Sync),
    ) -> Result<Option<Vec<R>>> {
        let mut batches = arrow::batches(layer)?;
        let Some(first) = batches.next().transpose()? else {
            return Ok(Some(Vec::new()));
        };
        let schema = first.schema();
        // The layer's field index of each contract field → its column in the batches.
        let mut columns: Vec<(usize, usize)> = Vec::new();
        for (index, name) in self.fields.values() {
            match schema.index_of(name) {
                Ok(c) if arrow::supported(schema.field(c).data_type()) => columns.push((*index, c)),
                _ => return Ok(None),
            }
        }
        let Ok(geometry) = schema.index_of(geometry_column) else {
            return Ok(None);
        };
        let convert = |batch: arrow_array::RecordBatch| -> Result<Vec<RawFeature>> {
            let fids = batch.column(0);
            let geoms = batch.column(geometry);
            let mut features: Vec<RawFeature> = (0..batch.num_rows())
                .map(|row| {
                    let (values, numbers) = self.values(|index| {
                        let (_, c) = columns.iter().find(|(i, _)| *i == index)?;
                        arrow::cell(batch.column(*c), row)
                    });
                    RawFeature {
                        fid: arrow::fid(fids, row),
                        values,
                        numbers,
                        names: Vec::new(),
                        geom: arrow::geometry(geoms, row),
                    }
                })
                .collect();
            self.with_to_working(|ct| to_working_crs(&mut features, ct))?;
            Ok(features)
        };
        // Each batch (GDAL's are 65,536 rows) is converted and handed on as one run, on
        // another core, while GDAL reads the next one.
        let converted = std::sync::Mutex::new(Vec::new());
        rayon::in_place_scope(|scope| -> Result<()> {
            for (i, batch) in std::iter::once(Ok(first)).chain(batches).enumerate() {
                let batch = batch?;
                let (convert, converted) = (&convert, &converted);
                scope.spawn(move |_| {
                    let run = convert(batch).map(per_run);
                    converted
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, run));
                });
            }
            Ok(())
        })?;
        let mut parts = converted.into_inner().unwrap_or_else(|e| e.into_inner());
        parts.sort_unstable_by_key(|(i, _)| *i);
        let runs = parts
            .into_iter()
            .map(|(_, run)| run)
            .collect::<Result<_>>()?;
        Ok(Some(runs))
    }

    /// The contract's fields of one feature, from `field` (by the layer's field index): a
    /// numeric field the source types as a number as that number, the rest as text mapped
    /// through `values` in zdz.toml, with the constants of `set`.
    fn values(
        &self,
        field: impl Fn(usize) -> Option<Cell>,
    ) -> (LiteMap<&'static str, String>, LiteMap<&'static str, f64>) {
        let mut values = LiteMap::with_capacity(self.fields.len() + self.set.len());
        let mut numbers = LiteMap::new();
        for (name, (index, _)) in self.fields {
            let Some(cell) = field(*index) else { continue };
            let mapped = self.config.values.get(*name);
            match cell {
                Cell::Int(v) if mapped.is_none() && NUMBER_FIELDS.contains(name) => {
                    numbers.insert(*name, v as f64);
                }
                Cell::Real(v) if mapped.is_none() && NUMBER_FIELDS.contains(name) => {
                    numbers.insert(*name, v);
                }
                cell => {
                    let v = cell.into_text();
                    let v = match mapped.and_then(|m| m.get(&v)) {
                        Some(mapped) => mapped.clone(),
                        None => v,
                    };
                    values.insert(*name, v);
                }
            }
        }
        for (name, value) in self.set {
            values.insert(*name, (*value).clone());
        }
        (values, numbers)
    }

    /// Read the features `layer` yields (its filters set by the caller).
    fn read(&self, layer: &mut gdal::vector::Layer) -> Result<Vec<RawFeature>> {
        let to_working = self.transforms()?;
        let mut features = Vec::new();
        for feature in layer.features() {
            let (values, numbers) = self.values(|index| field_cell(&feature, index));
            let names = self
                .name_fields
                .iter()
                .filter_map(|i| field_text(&feature, *i))
                .collect();
            let geometry = geometry_of(&feature);
            let geom = match (self.table, geometry) {
                (Some((east, north)), _) => {
                    let text = |i: usize| field_text(&feature, i);
                    match table_coords::pair(text(east).as_deref(), text(north).as_deref()) {
                        Some((x, y)) => Ok(Geometry::Point(geo::Point::new(x, y))),
                        None => Err("no coordinates in its coordinate columns".to_string()),
                    }
                }
                (None, geometry) => converted(geometry),
            };
            let geom = geom.and_then(|mut geom| {
                // Web-map coordinates are undone feature by feature; the step into the
                // working CRS is taken for all features at once, below.
                if let (Some(tag), Some(ct)) = (self.coords, &to_working.0) {
                    crs::reproject(&mut geom, ct).map_err(|e| e.to_string())?;
                    crs::to_wgs84_from_tag(&mut geom, tag);
                }
                Ok(geom)
            });
            features.push(RawFeature {
                fid: feature.fid(),
                values,
                numbers,
                names,
                geom,
            });
        }
        to_working_crs(&mut features, &to_working.1);
        Ok(features)
    }
}

/// A GDAL geometry as a 2-D geo geometry, or why there is none.
fn converted(geometry: Option<&gdal::vector::Geometry>) -> Result<Geometry, String> {
    match geometry {
        None => Err(crate::contract::geometry_faults::NO_GEOMETRY.to_string()),
        Some(g) if g.is_empty() => Err("empty geometry".to_string()),
        Some(g) => {
            // geo is 2-D: drop Z and M before converting.
            let mut flat = g.clone();
            flat.flatten_to_2d();
            flat.to_geo()
                .map_err(|e| format!("unreadable geometry ({}): {e}", g.geometry_name()))
        }
    }
}

/// A file beside `path` with the same stem and extension `ext` (either case), if any.
fn beside(path: &Path, ext: &str) -> Option<std::path::PathBuf> {
    [ext.to_string(), ext.to_ascii_uppercase()]
        .iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// The order of a table's coordinate columns that places its points within its CRS's
/// area of use (China's, when the CRS has none on record), and their extent. No point
/// inside either way is an error naming the layer.
fn table_points(
    columns: &table_coords::Columns,
    pairs: &[(f64, f64)],
    srs: &SpatialRef,
    place: &str,
    kind: LayerKind,
) -> Result<TablePoints> {
    let Some(order) = table_coords::order_in(columns, pairs, srs)? else {
        bail!(
            "{place}: no point of its {} rows lies within the area of {} with `{}` as the easting and `{}` as the northing, nor the other way round: is the layer's CRS right? Set `crs` (or `coords_fields`) under [layers.{}] in zdz.toml",
            pairs.len(),
            crs::describe(srs),
            columns.first.1,
            columns.second.1,
            kind.name()
        );
    };
    let (east, north) = if order.swapped {
        (columns.second.0, columns.first.0)
    } else {
        (columns.first.0, columns.second.0)
    };
    let points = pairs
        .iter()
        .map(|(a, b)| if order.swapped { (*b, *a) } else { (*a, *b) });
    let bounds = points.fold(None, |b: Option<[f64; 4]>, (x, y)| {
        Some(match b {
            None => [x, y, x, y],
            Some(b) => [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
        })
    });
    Ok(TablePoints {
        east,
        north,
        order,
        bounds,
    })
}

/// The most features handed on in one run when a layer is read feature by feature:
/// enough runs to spread the layer over the cores.
const RUN_FEATURES: usize = 16_384;

/// Features in runs of at most `RUN_FEATURES`, in order.
fn in_runs(features: Vec<RawFeature>) -> Vec<Vec<RawFeature>> {
    if features.len() <= RUN_FEATURES {
        return vec![features];
    }
    let mut runs = Vec::with_capacity(features.len().div_ceil(RUN_FEATURES));
    let mut rest = features.into_iter();
    loop {
        let run: Vec<RawFeature> = rest.by_ref().take(RUN_FEATURES).collect();
        if run.is_empty() {
            return runs;
        }
        runs.push(run);
    }
}

/// Transform every readable geometry into the working CRS in one call to PROJ (one call
/// per feature costs more than the arithmetic at millions of features). If any point
/// cannot be transformed, each feature is transformed alone, so the error names it.
fn to_working_crs(features: &mut [RawFeature], ct: &gdal::spatial_ref::CoordTransform) {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = features
        .iter()
        .filter_map(|f| f.geom.as_ref().ok())
        .flat_map(|g| g.coords_iter())
        .map(|c| (c.x, c.y))
        .unzip();
    let all = ct.transform_coords(&mut xs, &mut ys, &mut []).is_ok()
        && xs.iter().chain(&ys).all(|v| v.is_finite());
    if all {
        let mut next = 0;
        for geom in features.iter_mut().filter_map(|f| f.geom.as_mut().ok()) {
            let start = next;
            next += geom.coords_count();
            let (xs, ys) = (&xs[start..next], &ys[start..next]);
            let i = std::cell::Cell::new(0);
            geom.map_coords_in_place(|_| {
                let k = i.get();
                i.set(k + 1);
                geo::coord! { x: xs[k], y: ys[k] }
            });
        }
        return;
    }
    for f in features.iter_mut() {
        if let Ok(geom) = &mut f.geom
            && let Err(e) = crs::reproject(geom, ct)
        {
            f.geom = Err(e.to_string());
        }
    }
}

/// The in-memory GeoJSON path of a SWMM model's layer, and the source adjusted to read it.
fn swmm_source(source: &LayerSource) -> Result<(String, LayerSource)> {
    if source.config.crs.is_none() {
        bail!(
            "{}: a SWMM model says nothing of its coordinate system; give `crs = \"EPSG:…\"` under [layers.{}] in zdz.toml",
            source.dataset,
            source.kind.name()
        );
    }
    let layer = match (&source.layer, source.kind) {
        (Some(l), _) => l.to_ascii_lowercase(),
        (None, LayerKind::Pipes) => "conduits".into(),
        (None, LayerKind::Outfalls) => "outfalls".into(),
        (None, kind) => bail!(
            "{}: say which SWMM layer ({}) is the {} layer with `layer = \"…\"`",
            source.dataset,
            swmm::LAYERS.join(", "),
            kind.name()
        ),
    };
    let text = std::fs::read_to_string(&source.dataset)
        .with_context(|| format!("{}: cannot read", source.dataset))?;
    let geojson = swmm::layer_geojson(&text, &source.dataset, &layer)?;
    let key: String = source
        .dataset
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = format!("/vsimem/zdz/{key}/{layer}.geojson");
    gdal::vsi::create_mem_file(&path, geojson.into_bytes())?;
    let mut adjusted = source.clone();
    adjusted.layer = None;
    Ok((path, adjusted))
}

/// The layer to read: the configured one, the only one, or the one named like the layer.
fn pick_layer(dataset: &Dataset, source: &LayerSource) -> Result<String> {
    let names: Vec<String> = dataset.layers().map(|l| l.name()).collect();
    if let Some(wanted) = &source.layer {
        return names
            .iter()
            .find(|n| *n == wanted || n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{}",
                    t!(
                        "err.no_layer_named",
                        path = source.dataset,
                        wanted = wanted,
                        layers = names.join(", ")
                    )
                )
            });
    }
    match names.as_slice() {
        [only] => Ok(only.clone()),
        [] => bail!("{}", t!("err.no_vector_layer", path = source.dataset)),
        many => many
            .iter()
            .find(|n| source.kind.matches_name(n))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{}",
                    t!(
                        "err.several_layers",
                        path = source.dataset,
                        layers = many.join(", "),
                        layer = source.kind.name()
                    )
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gdal::vector::{FieldValue, LayerOptions, OGRFieldType, OGRwkbGeometryType};
    use geo::{Point, point};

    /// pipe_id, kind, diameter_mm, defect_grade, from_node, geometry as WKT.
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<f64>,
        Option<i32>,
        Option<i64>,
        Option<&'a str>,
    );

    #[test]
    fn the_arrow_stream_and_the_feature_by_feature_read_give_the_same_features() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipes.gpkg");
        let driver = gdal::DriverManager::get_driver_by_name("GPKG").unwrap();
        let mut ds = driver.create_vector_only(&path).unwrap();
        let wgs84 = crs::wgs84();
        let layer = ds
            .create_layer(LayerOptions {
                name: "pipes",
                srs: Some(&wgs84),
                ty: OGRwkbGeometryType::wkbUnknown,
                options: None,
            })
            .unwrap();
        let fields = [
            ("pipe_id", OGRFieldType::OFTString),
            ("kind", OGRFieldType::OFTString),
            ("diameter_mm", OGRFieldType::OFTReal),
            ("defect_grade", OGRFieldType::OFTInteger),
            ("from_node", OGRFieldType::OFTInteger64),
        ];
        for (name, ty) in fields {
            layer.create_defn_fields(&[(name, ty)]).unwrap();
        }
        let rows: [Row; 7] = [
            (
                "P1",
                " 污水 ",
                Some(300.0),
                Some(3),
                Some(12),
                Some("LINESTRING (106.5 29.5, 106.6 29.6)"),
            ),
            (
                "P2",
                "雨水",
                Some(812.5),
                None,
                Some(9_000_000_000),
                Some("LINESTRING Z (106.5 29.5 3, 106.6 29.5 4)"),
            ),
            (
                "P3",
                "",
                None,
                Some(0),
                None,
                Some("MULTILINESTRING ((106.5 29.5, 106.6 29.6), (106.7 29.7, 106.8 29.8))"),
            ),
            (
                "P4",
                "合流",
                Some(0.1),
                Some(-1),
                None,
                Some("LINESTRING EMPTY"),
            ),
            ("P5", "污水", Some(1e-7), Some(4), None, None),
            (
                "P6",
                "   ",
                Some(400.0),
                Some(2),
                None,
                Some("POINT (106.5 29.5)"),
            ),
            (
                "P7",
                "storm",
                Some(1234567.891),
                Some(1),
                None,
                Some("POLYGON ((106 29, 107 29, 107 30, 106 29))"),
            ),
        ];
        for (id, kind, diameter, grade, node, wkt) in rows {
            let mut f = gdal::vector::Feature::new(layer.defn()).unwrap();
            f.set_field_string(0, id).unwrap();
            f.set_field_string(1, kind).unwrap();
            if let Some(d) = diameter {
                f.set_field(2, &FieldValue::RealValue(d)).unwrap();
            }
            if let Some(g) = grade {
                f.set_field(3, &FieldValue::IntegerValue(g)).unwrap();
            }
            if let Some(n) = node {
                f.set_field(4, &FieldValue::Integer64Value(n)).unwrap();
            }
            if let Some(wkt) = wkt {
                f.set_geometry(gdal::vector::Geometry::from_wkt(wkt).unwrap())
                    .unwrap();
            }
            f.create(&layer).unwrap();
        }
        drop(ds);

        let ds = open_dataset(path.to_str().unwrap(), &[]).unwrap();
        let field_map: BTreeMap<&'static str, (usize, String)> = [
            "pipe_id",
            "kind",
            "diameter_mm",
            "defect_grade",
            "from_node",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, (i, name.to_string())))
        .collect();
        let config = LayerConfig::default();
        let wkt = wgs84.to_wkt().unwrap();
        let plan = ReadPlan {
            fields: &field_map,
            set: &[],
            name_fields: &[],
            config: &config,
            srs_wkt: &wkt,
            coords: None,
            working: "EPSG:4545",
            table: None,
        };
        let by_feature = plan.read(&mut ds.layer_by_name("pipes").unwrap()).unwrap();
        let by_arrow = plan
            .read_arrow(&mut ds.layer_by_name("pipes").unwrap(), "geom", &|raws| {
                raws
            })
            .unwrap()
            .expect("these field types are converted")
            .concat();
        assert_eq!(by_feature.len(), 7);
        assert_eq!(by_arrow.len(), 7);
        for (a, b) in by_feature.iter().zip(&by_arrow) {
            assert_eq!(
                (a.fid, &a.values, &a.numbers, &a.names),
                (b.fid, &b.values, &b.numbers, &b.names)
            );
            assert_eq!(a.geom, b.geom, "{:?}", a.values.get("pipe_id"));
        }
        // And what they agree on is right.
        assert_eq!(by_arrow[0].values.get("kind").unwrap(), "污水");
        assert!(!by_arrow[2].values.contains_key("kind"));
        assert_eq!(by_arrow[1].values.get("from_node").unwrap(), "9000000000");
        assert_eq!(by_arrow[6].numbers.get("diameter_mm"), Some(&1234567.891));
        assert!(!by_arrow[6].values.contains_key("diameter_mm"));
        assert_eq!(by_arrow[3].geom, Err("empty geometry".to_string()));
        assert_eq!(by_arrow[4].geom, Err("no geometry".to_string()));
    }

    fn raw(geom: Result<Geometry, String>) -> RawFeature {
        RawFeature {
            fid: None,
            values: LiteMap::new(),
            numbers: LiteMap::new(),
            names: Vec::new(),
            geom,
        }
    }

    #[test]
    fn one_point_outside_the_crs_fails_only_its_feature_and_the_rest_are_transformed() {
        let ct = crs::transform(&crs::wgs84(), &crs::spatial_ref("EPSG:4545").unwrap()).unwrap();
        let mut features = vec![
            raw(Ok(Geometry::Point(point! { x: 108.0, y: 30.0 }))),
            raw(Ok(Geometry::Point(point! { x: 108.0, y: 95.0 }))),
            raw(Err("no geometry".into())),
            raw(Ok(Geometry::Point(point! { x: 107.0, y: 29.0 }))),
        ];
        to_working_crs(&mut features, &ct);
        // 108°E is the central meridian of EPSG:4545: x is its false easting.
        let Ok(Geometry::Point(Point(c))) = &features[0].geom else {
            panic!("{:?}", features[0].geom)
        };
        assert!((c.x - 500_000.0).abs() < 1e-6, "{c:?}");
        assert!((c.y - 3_320_000.0).abs() < 10_000.0, "{c:?}");
        assert!(
            features[1]
                .geom
                .as_ref()
                .is_err_and(|e| e.contains("outside the domain")),
            "{:?}",
            features[1].geom
        );
        assert_eq!(features[2].geom, Err("no geometry".to_string()));
        let Ok(Geometry::Point(Point(c))) = &features[3].geom else {
            panic!("{:?}", features[3].geom)
        };
        assert!(c.x < 500_000.0 && c.y > 3_000_000.0, "{c:?}");
    }
}
