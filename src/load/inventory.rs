//! What a source layer holds, before zdz knows what it is: its geometry, its fields with a
//! sample of their values, its CRS and encoding, as `zdz init` needs to decide which
//! contract layer and field each one is, and as the load's notes need to say why no river
//! was taken for the Yangtze.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use gdal::Dataset;
use gdal::vector::{LayerAccess, OGRFieldType, OGRwkbGeometryType};

use super::read::{Opening, geometry_of};
use crate::crs;

/// The shape a layer's features have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Point,
    Line,
    Polygon,
    /// A plain table (a CSV or a spreadsheet without coordinates).
    None,
}

impl Shape {
    pub fn label(self) -> &'static str {
        match self {
            Shape::Point => "points",
            Shape::Line => "lines",
            Shape::Polygon => "polygons",
            Shape::None => "a table without geometry",
        }
    }
}

/// How a field's values are typed in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Real,
    Date,
    Other,
}

/// One field of a source layer, with what a sample of its values shows.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub name: String,
    /// The field's alias, where the format keeps one (GeoPackage, FileGDB).
    pub alias: Option<String>,
    pub kind: FieldType,
    /// Distinct non-empty values of the sample with their counts, most frequent first.
    pub values: Vec<(String, usize)>,
    /// Distinct non-empty values seen.
    pub distinct: usize,
    /// Non-empty values in the sample.
    pub filled: usize,
    /// Values in the sample that read as numbers, and their range.
    pub numbers: usize,
    pub range: Option<(f64, f64)>,
}

impl FieldInfo {
    /// Every sampled value distinct and present: an identifier.
    pub fn unique(&self, sampled: usize) -> bool {
        sampled > 0 && self.filled == sampled && self.distinct == sampled
    }

    /// Share of the sample that reads as a number.
    pub fn numeric_share(&self) -> f64 {
        if self.filled == 0 {
            0.0
        } else {
            self.numbers as f64 / self.filled as f64
        }
    }
}

/// One source layer as found.
#[derive(Debug, Clone)]
pub struct LayerInfo {
    /// The file, as GDAL opens it.
    pub dataset: String,
    /// The layer inside it.
    pub layer: String,
    /// Whether the dataset holds other layers too (then `layer =` must be written).
    pub multi_layer: bool,
    pub driver: String,
    pub shape: Shape,
    pub count: u64,
    /// Features sampled for the field statistics.
    pub sampled: usize,
    pub fields: Vec<FieldInfo>,
    /// The declared CRS as zdz check names it, or `None` when it declares none.
    pub crs: Option<String>,
    pub geographic: bool,
    pub encoding: Option<String>,
    /// The layer's extent in its own coordinates.
    pub extent: Option<[f64; 4]>,
    /// The OGR SQL filter the sample was taken with, if any.
    pub filter: Option<String>,
}

impl LayerInfo {
    pub fn field(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// `file.shp` or `file.gpkg, layer x`, for comments and messages.
    pub fn place(&self) -> String {
        let file = Path::new(&self.dataset)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.dataset.clone());
        if self.multi_layer {
            format!("{file}, layer {}", self.layer)
        } else {
            file
        }
    }
}

/// Features read per layer for the field statistics.
pub const SAMPLE: usize = 5000;

/// Every layer GDAL reads among the files of `dir` (not its subfolders), in name order.
/// A file GDAL cannot open is left out and named in the second list, with the reason.
pub fn folder(dir: &Path) -> Result<(Vec<LayerInfo>, Vec<String>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the folder", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && readable_extension(p))
        .collect();
    files.sort();
    let mut layers = Vec::new();
    let mut skipped = Vec::new();
    for f in files {
        match dataset_layers(&f) {
            Ok(mut l) => layers.append(&mut l),
            Err(e) => skipped.push(format!("{}: {e:#}", f.display())),
        }
    }
    Ok((layers, skipped))
}

/// Files worth opening: what a folder workspace reads, without zdz's own files.
fn readable_extension(p: &Path) -> bool {
    const EXT: &[&str] = &[
        "shp", "geojson", "json", "fgb", "gpkg", "csv", "gml", "kml", "sqlite", "tab", "mif",
        "dxf", "xlsx", "ods",
    ];
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.') || name == "summary.json" || name == "results.gpkg" {
        return false;
    }
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXT.contains(&e.to_ascii_lowercase().as_str()))
}

/// Every layer of one file.
pub fn dataset_layers(path: &Path) -> Result<Vec<LayerInfo>> {
    let opening = Opening::of(path, None)?;
    let (name, encoding) = (
        path.to_string_lossy().into_owned(),
        opening.encoding.clone(),
    );
    let ds = opening
        .open()
        .map_err(|e| anyhow::anyhow!("GDAL cannot open it: {e}"))?;
    let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    let multi = names.len() > 1;
    names
        .iter()
        .map(|l| layer_info(&ds, &name, l, multi, encoding.clone()))
        .collect()
}

fn shape_of(t: OGRwkbGeometryType::Type) -> Shape {
    // 25D/M/ZM variants as their 2D type.
    match gdal::vector::geometry_type_flatten(t) {
        OGRwkbGeometryType::wkbPoint | OGRwkbGeometryType::wkbMultiPoint => Shape::Point,
        OGRwkbGeometryType::wkbLineString | OGRwkbGeometryType::wkbMultiLineString => Shape::Line,
        OGRwkbGeometryType::wkbPolygon | OGRwkbGeometryType::wkbMultiPolygon => Shape::Polygon,
        _ => Shape::None,
    }
}

/// `info` again with only the features `filter` (OGR SQL) selects.
pub fn filtered(info: &LayerInfo, filter: &str) -> Result<LayerInfo> {
    let opening = Opening::of(Path::new(&info.dataset), info.encoding.clone())?;
    let (ds, encoding) = (opening.open()?, opening.encoding);
    layer_info_where(
        &ds,
        &info.dataset,
        &info.layer,
        info.multi_layer,
        encoding,
        Some(filter),
    )
}

fn layer_info(
    ds: &Dataset,
    dataset: &str,
    name: &str,
    multi_layer: bool,
    encoding: Option<String>,
) -> Result<LayerInfo> {
    layer_info_where(ds, dataset, name, multi_layer, encoding, None)
}

/// A layer's inventory; what GDAL says meanwhile names the file and layer.
fn layer_info_where(
    ds: &Dataset,
    dataset: &str,
    name: &str,
    multi_layer: bool,
    encoding: Option<String>,
    filter: Option<&str>,
) -> Result<LayerInfo> {
    let _place = super::gdal_messages::about(&format!("{dataset}, layer {name}"));
    let mut layer = ds.layer_by_name(name)?;
    if let Some(f) = filter {
        layer
            .set_attribute_filter(f)
            .with_context(|| format!("{dataset}, layer {name}: bad filter `{f}`"))?;
    }
    let defn_fields: Vec<(String, FieldType)> = layer
        .defn()
        .fields()
        .map(|f| {
            let kind = match f.field_type() {
                OGRFieldType::OFTString => FieldType::Text,
                OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 => FieldType::Integer,
                OGRFieldType::OFTReal => FieldType::Real,
                OGRFieldType::OFTDate | OGRFieldType::OFTDateTime => FieldType::Date,
                _ => FieldType::Other,
            };
            (f.name(), kind)
        })
        .collect();
    let aliases: Vec<Option<String>> = layer
        .defn()
        .fields()
        .map(|f| {
            let a = f.alternative_name();
            (!a.is_empty()).then_some(a)
        })
        .collect();
    let mut shape = layer
        .defn()
        .geom_fields()
        .next()
        .map(|g| shape_of(g.field_type()))
        .unwrap_or(Shape::None);
    let srs = layer.spatial_ref();
    let count = layer.feature_count();
    // A CSV's points have no extent on record: computed by a scan.
    let extent = layer
        .try_get_extent()
        .ok()
        .flatten()
        .or_else(|| {
            (shape != Shape::None)
                .then(|| layer.get_extent().ok())
                .flatten()
        })
        .map(|e| [e.MinX, e.MinY, e.MaxX, e.MaxY]);
    let mut counts: Vec<HashMap<String, usize>> = vec![HashMap::new(); defn_fields.len()];
    let mut numbers = vec![(0usize, f64::INFINITY, f64::NEG_INFINITY); defn_fields.len()];
    let mut filled = vec![0usize; defn_fields.len()];
    let mut sampled = 0;
    let mut shapes_seen = [0usize; 3];
    let untyped = shape == Shape::None
        || matches!(
            ds.driver().short_name().as_str(),
            "GeoJSON" | "DXF" | "KML" | "LIBKML" | "GML"
        );
    for feature in layer.features().take(SAMPLE) {
        sampled += 1;
        if let Some(g) = geometry_of(&feature).filter(|_| untyped) {
            match shape_of(g.geometry_type()) {
                Shape::Point => shapes_seen[0] += 1,
                Shape::Line => shapes_seen[1] += 1,
                Shape::Polygon => shapes_seen[2] += 1,
                Shape::None => {}
            }
        }
        for (i, _) in defn_fields.iter().enumerate() {
            let Some(text) = super::fields::field_text(&feature, i) else {
                continue;
            };
            filled[i] += 1;
            if let Ok(n) = super::values::parse_number(&text) {
                let e = &mut numbers[i];
                e.0 += 1;
                e.1 = e.1.min(n);
                e.2 = e.2.max(n);
            }
            *counts[i].entry(text).or_insert(0) += 1;
        }
    }
    // Formats that declare no geometry type (GeoJSON, DXF …): the type most features have.
    if shapes_seen.iter().sum::<usize>() > 0 {
        let (i, _) = shapes_seen
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .unwrap();
        shape = [Shape::Point, Shape::Line, Shape::Polygon][i];
    }
    let fields = defn_fields
        .into_iter()
        .enumerate()
        .map(|(i, (fname, kind))| {
            let mut values: Vec<(String, usize)> = counts[i].drain().collect();
            let distinct = values.len();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let (n, lo, hi) = numbers[i];
            FieldInfo {
                name: fname,
                alias: aliases[i].clone(),
                kind,
                values,
                distinct,
                filled: filled[i],
                numbers: n,
                range: (n > 0).then_some((lo, hi)),
            }
        })
        .collect();
    let driver = ds.driver().short_name();
    Ok(LayerInfo {
        dataset: dataset.to_string(),
        layer: name.to_string(),
        multi_layer,
        driver,
        shape,
        count,
        sampled,
        fields,
        crs: srs.as_ref().map(crs::describe),
        geographic: srs.as_ref().is_some_and(|s| s.is_geographic()),
        encoding,
        extent,
        filter: filter.map(str::to_string),
    })
}

/// One geometry's vertices, lon/lat.
pub type Vertices = Vec<(f64, f64)>;

/// Every vertex of a GDAL geometry, parts in order.
fn vertices(g: &gdal::vector::Geometry, out: &mut Vertices) {
    let parts = g.geometry_count();
    if parts == 0 {
        let mut pts = Vec::new();
        g.get_points(&mut pts);
        out.extend(pts.into_iter().map(|(x, y, _)| (x, y)));
    } else {
        for i in 0..parts {
            vertices(&g.get_geometry(i), out);
        }
    }
}

/// Up to `max` geometries of a layer (its filter applied) as lists of lon/lat vertices in
/// WGS84; a layer without a CRS is taken as lon/lat when its extent looks like degrees.
/// `None` when the layer cannot be placed on the earth.
pub fn lonlat_vertices(info: &LayerInfo, max: usize) -> Result<Option<Vec<Vertices>>> {
    let _place = super::gdal_messages::about(&format!("{}, layer {}", info.dataset, info.layer));
    let ds = Opening::of(Path::new(&info.dataset), info.encoding.clone())?.open()?;
    let mut layer = ds.layer_by_name(&info.layer)?;
    if let Some(f) = &info.filter {
        layer.set_attribute_filter(f)?;
    }
    let srs = match layer.spatial_ref() {
        Some(s) => s,
        None => {
            let degrees = info
                .extent
                .is_some_and(|e| e[0] >= -180.0 && e[2] <= 180.0 && e[1] >= -90.0 && e[3] <= 90.0);
            if !degrees {
                return Ok(None);
            }
            crs::wgs84()
        }
    };
    let mut srs = srs;
    srs.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let ct = crs::transform(&srs, &crs::wgs84())?;
    let mut out = Vec::new();
    for f in layer.features().take(max) {
        let Some(g) = geometry_of(&f) else { continue };
        let Ok(g) = g.transform(&ct) else { continue };
        let mut pts = Vec::new();
        vertices(&g, &mut pts);
        if !pts.is_empty() {
            out.push(pts);
        }
    }
    Ok(Some(out))
}

/// The text fields of one layer with up to five of their most frequent values.
pub fn text_fields(
    dataset: &str,
    layer: &str,
    encoding: Option<String>,
) -> Result<Vec<(String, Vec<String>)>> {
    let opening = Opening::of(Path::new(dataset), encoding)?;
    let (ds, encoding) = (opening.open()?, opening.encoding);
    let info = layer_info(&ds, dataset, layer, false, encoding)?;
    Ok(info
        .fields
        .into_iter()
        .filter(|f| f.kind == FieldType::Text && f.filled > 0)
        .map(|f| {
            (
                f.name,
                f.values.into_iter().take(5).map(|(v, _)| v).collect(),
            )
        })
        .collect())
}
