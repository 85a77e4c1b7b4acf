//! A collection: one layer served over OGC API – Features. Input layers and result layers
//! are all collections with the same small interface (pygeoapi's provider idea): select by
//! bbox and property equality, get by id, write a feature in a requested CRS.
//!
//! Built once per snapshot: features are reprojected to lon/lat, indexed in an R-tree, and
//! their default (CRS84) JSON is serialised ahead, so a page is a concatenation.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use gdal::spatial_ref::CoordTransform;
use geo::{BoundingRect, Geometry, Intersects, MapCoordsInPlace, Rect, coord};
use geojson::JsonObject;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::{Value, json};

use super::crs::{OutCrs, swap_axes};
use crate::publish::geojson::{OutFeature, to_rfc7946};

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

pub struct Item {
    pub id: String,
    /// WGS84 lon/lat, rounded as in the GeoJSON files.
    pub lonlat: Option<Geometry>,
    /// In the working CRS, as analysed.
    pub working: Option<Geometry>,
    pub properties: JsonObject,
    crs84_json: String,
}

/// What a client may ask of a collection's items.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// lon/lat: west, south, east, north.
    pub bbox: Option<[f64; 4]>,
    /// Property equals value (compared as text).
    pub equals: Vec<(String, String)>,
    /// Select nothing (a box that lies nowhere on the earth).
    pub nothing: bool,
}

pub struct Collection {
    pub id: String,
    pub title: String,
    pub description: String,
    items: Vec<Item>,
    by_id: HashMap<String, usize>,
    tree: RTree<Envelope>,
    /// lon/lat extent of all features.
    pub extent: Option<[f64; 4]>,
    /// Property name → JSON Schema type, for queryables and `describedby`.
    pub schema: BTreeMap<String, &'static str>,
}

/// A property value as the text a query compares it with.
pub fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn json_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
        Value::Null => None,
    }
}

/// The JSON Schema type of each property across all features: the one type seen (nulls
/// aside), `number` for integers mixed with decimals, `string` for anything else.
fn infer_schema(items: &[Item]) -> BTreeMap<String, &'static str> {
    let mut seen: BTreeMap<String, std::collections::BTreeSet<&'static str>> = BTreeMap::new();
    for item in items {
        for (k, v) in &item.properties {
            let types = seen.entry(k.clone()).or_default();
            types.extend(json_type(v));
        }
    }
    seen.into_iter()
        .map(|(k, types)| {
            let t = match types.into_iter().collect::<Vec<_>>().as_slice() {
                [one] => *one,
                ["integer", "number"] => "number",
                _ => "string",
            };
            (k, t)
        })
        .collect()
}

fn feature_json(id: &str, geometry: Option<geojson::Geometry>, properties: &JsonObject) -> String {
    json!({
        "type": "Feature",
        "id": id,
        "geometry": geometry,
        "properties": properties,
    })
    .to_string()
}

impl Collection {
    pub fn new(
        id: &str,
        title: &str,
        description: &str,
        features: Vec<OutFeature>,
        to_wgs84: &CoordTransform,
    ) -> Result<Collection> {
        let mut items = Vec::with_capacity(features.len());
        for f in features {
            let rfc = f
                .geom
                .as_ref()
                .map(|g| to_rfc7946(g, to_wgs84))
                .transpose()?;
            let lonlat = rfc
                .as_ref()
                .map(|g| Geometry::try_from(g.value.clone()))
                .transpose()?;
            items.push(Item {
                crs84_json: feature_json(&f.id, rfc, &f.properties),
                id: f.id,
                lonlat,
                working: f.geom,
                properties: f.properties,
            });
        }
        let envelopes: Vec<Envelope> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let r = item.lonlat.as_ref()?.bounding_rect()?;
                Some(Envelope::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        let tree = RTree::bulk_load(envelopes);
        let extent = (tree.size() > 0).then(|| {
            let e = tree.root().envelope();
            [e.lower()[0], e.lower()[1], e.upper()[0], e.upper()[1]]
        });
        let mut by_id = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            by_id.entry(item.id.clone()).or_insert(i);
        }
        Ok(Collection {
            id: id.into(),
            title: title.into(),
            description: description.into(),
            schema: infer_schema(&items),
            items,
            by_id,
            tree,
            extent,
        })
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many features carry each text value of `property` (none for a property no
    /// feature carries).
    pub fn value_counts(&self, property: &str) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for item in &self.items {
            if let Some(v) = item.properties.get(property).and_then(Value::as_str) {
                *counts.entry(v).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Properties a client may filter on: every scalar property.
    pub fn queryables(&self) -> impl Iterator<Item = (&String, &&'static str)> {
        self.schema
            .iter()
            .filter(|(_, t)| !matches!(**t, "array" | "object"))
    }

    pub fn item(&self, i: usize) -> &Item {
        &self.items[i]
    }

    /// The index of the feature with this id (the first, if a layer repeats an id).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Indexes of the items matching `s`, in collection order.
    pub fn select(&self, s: &Selection) -> Vec<usize> {
        if s.nothing {
            return Vec::new();
        }
        let mut hits: Vec<usize> = match s.bbox {
            Some([w, so, e, n]) => {
                let rect = Rect::new(coord! { x: w, y: so }, coord! { x: e, y: n });
                let env = AABB::from_corners([w, so], [e, n]);
                let mut v: Vec<usize> = self
                    .tree
                    .locate_in_envelope_intersecting(&env)
                    .map(|e| e.data)
                    .filter(|i| {
                        self.items[*i]
                            .lonlat
                            .as_ref()
                            .is_some_and(|g| g.intersects(&rect))
                    })
                    .collect();
                v.sort_unstable();
                v
            }
            None => (0..self.items.len()).collect(),
        };
        if !s.equals.is_empty() {
            hits.retain(|i| {
                let props = &self.items[*i].properties;
                s.equals
                    .iter()
                    .all(|(k, v)| props.get(k).and_then(as_text).as_deref() == Some(v.as_str()))
            });
        }
        hits
    }

    /// Features as a GeoJSON FeatureCollection, written straight into one buffer: in CRS84
    /// (the default) a page is a copy of text serialised ahead.
    pub fn feature_collection(&self, hits: &[usize], crs: OutCrs, members: &str) -> String {
        let mut body = String::with_capacity(256 + hits.len() * 512);
        body.push_str(r#"{"type":"FeatureCollection","#);
        body.push_str(members);
        body.push_str(r#","features":["#);
        for (n, i) in hits.iter().enumerate() {
            if n > 0 {
                body.push(',');
            }
            match crs {
                OutCrs::Crs84 => body.push_str(&self.items[*i].crs84_json),
                other => body.push_str(&self.feature(*i, other)),
            }
        }
        body.push_str("]}");
        body
    }

    /// One feature as GeoJSON text in the requested CRS.
    pub fn feature(&self, i: usize, crs: OutCrs) -> String {
        let item = &self.items[i];
        match crs {
            OutCrs::Crs84 => item.crs84_json.clone(),
            OutCrs::LatLon(_) => {
                let geom = item.lonlat.clone().map(|mut g| {
                    swap_axes(&mut g);
                    geojson::Geometry::new(geojson::GeometryValue::from(&g))
                });
                feature_json(&item.id, geom, &item.properties)
            }
            OutCrs::Working => {
                let geom = item.working.clone().map(|mut g| {
                    g.map_coords_in_place(|c| coord! { x: (c.x * 100.0).round() / 100.0, y: (c.y * 100.0).round() / 100.0 });
                    geojson::Geometry::new(geojson::GeometryValue::from(&g))
                });
                feature_json(&item.id, geom, &item.properties)
            }
        }
    }
}

/// A collection is a tile source's features.
impl crate::tiles::source::Features for Collection {
    fn count(&self) -> usize {
        self.items.len()
    }

    fn lonlat(&self, i: usize) -> Option<&Geometry> {
        self.items[i].lonlat.as_ref()
    }

    fn properties(&self, i: usize) -> &JsonObject {
        &self.items[i].properties
    }
}
