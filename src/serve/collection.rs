//! A collection: one layer served over OGC API – Features. Input layers and result layers
//! are all collections with the same small interface (pygeoapi's provider idea): select by
//! bbox and property equality, get by id, write a feature in a requested CRS.
//!
//! Built once per snapshot: features are reprojected to lon/lat and indexed in an R-tree;
//! their properties are kept in columns (`columns.rs`) and a feature's JSON is written
//! when a request asks for it.

use std::collections::BTreeMap;

use anyhow::Result;
use geo::{BoundingRect, Geometry, Intersects, MapCoordsInPlace, Rect, coord};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

use super::columns::Columns;
use super::crs::{OutCrs, swap_axes};
use crate::publish::geojson::{OutFeature, all_to_rfc7946};

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

pub struct Item {
    pub id: Box<str>,
    /// WGS84 lon/lat, rounded as in the GeoJSON files.
    pub lonlat: Option<Geometry>,
    /// In the working CRS, as analysed.
    pub working: Option<Geometry>,
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
    properties: Columns,
    /// (hash of the id, item index), sorted: the items with an id are found by its hash.
    by_id: Vec<(u64, u32)>,
    tree: RTree<Envelope>,
    /// lon/lat extent of all features.
    pub extent: Option<[f64; 4]>,
    /// Property name → JSON Schema type, for queryables and `describedby`.
    pub schema: BTreeMap<String, &'static str>,
}

/// The hash `by_id` is sorted by (fixed, so the same id has the same hash in every run).
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(id)
}

/// Each feature's id and geometry, in the working CRS and in RFC 7946 lon/lat.
fn items(ids: Vec<String>, geoms: Vec<Option<Geometry>>, working_crs: &str) -> Result<Vec<Item>> {
    let to_wgs84 =
        crate::crs::transform(&crate::crs::spatial_ref(working_crs)?, &crate::crs::wgs84())?;
    let placed: Vec<&Geometry> = geoms.iter().flatten().collect();
    let mut lonlat = all_to_rfc7946(&placed, &to_wgs84)?.into_iter();
    Ok(ids
        .into_iter()
        .zip(geoms)
        .map(|(id, working)| Item {
            id: id.into(),
            lonlat: working.as_ref().and_then(|_| lonlat.next()),
            working,
        })
        .collect())
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

/// What a collection is called and says of itself.
pub struct Named<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

impl Collection {
    pub fn new(named: Named, features: Vec<OutFeature>, working_crs: &str) -> Result<Collection> {
        let mut ids = Vec::with_capacity(features.len());
        let mut geoms = Vec::with_capacity(features.len());
        let mut maps = Vec::with_capacity(features.len());
        for f in features {
            ids.push(f.id);
            geoms.push(f.geom);
            maps.push(f.properties);
        }
        let (items, (properties, schema)) =
            rayon::join(|| items(ids, geoms, working_crs), || Columns::build(maps));
        Ok(Collection::assemble(named, items?, properties, schema))
    }

    /// A large layer from its ids and typed rows (`publish::layers::typed`): the same
    /// collection `new` makes of its features, without a JSON object per feature.
    pub fn from_table(
        named: Named,
        layer: crate::publish::layers::TypedLayer,
        working_crs: &str,
    ) -> Result<Collection> {
        let crate::publish::layers::TypedLayer {
            ids,
            geoms,
            names,
            rows,
        } = layer;
        let phase = |step: &str| format!("serve: {} {step}", named.id);
        let (items, (properties, schema)) = rayon::join(
            || crate::timing::phase(phase("items"), || items(ids, geoms, working_crs)),
            || crate::timing::phase(phase("columns"), || Columns::from_rows(&names, rows)),
        );
        let items = items?;
        Ok(crate::timing::phase(phase("index"), || {
            Collection::assemble(named, items, properties, schema)
        }))
    }

    fn assemble(
        named: Named,
        items: Vec<Item>,
        properties: Columns,
        schema: Vec<(String, &'static str)>,
    ) -> Collection {
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
        let mut by_id: Vec<(u64, u32)> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (id_hash(&item.id), i as u32))
            .collect();
        by_id.sort_unstable();
        Collection {
            id: named.id.into(),
            title: named.title.into(),
            description: named.description.into(),
            schema: schema.into_iter().collect(),
            properties,
            items,
            by_id,
            tree,
            extent,
        }
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
        for i in 0..self.items.len() {
            if let Some(v) = self.properties.text(i, property) {
                *counts.entry(v).or_insert(0) += 1;
            }
        }
        counts
    }

    /// One property of feature `i` (`None`: it does not carry it).
    pub fn property(&self, i: usize, name: &str) -> Option<Value> {
        self.properties.get(i, name)
    }

    /// One text property of feature `i`.
    pub fn text(&self, i: usize, name: &str) -> Option<&str> {
        self.properties.text(i, name)
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
        let h = id_hash(id);
        let at = self.by_id.partition_point(|(x, _)| *x < h);
        self.by_id[at..]
            .iter()
            .take_while(|(x, _)| *x == h)
            .map(|(_, i)| *i as usize)
            .find(|i| &*self.items[*i].id == id)
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
                s.equals
                    .iter()
                    .all(|(k, v)| match self.properties.text(*i, k) {
                        Some(t) => t == v,
                        None => {
                            self.properties
                                .get(*i, k)
                                .and_then(|x| as_text(&x))
                                .as_deref()
                                == Some(v.as_str())
                        }
                    })
            });
        }
        hits
    }

    /// Features as a GeoJSON FeatureCollection, written straight into one buffer.
    pub fn feature_collection(&self, hits: &[usize], crs: OutCrs, members: &str) -> String {
        let mut body = Vec::with_capacity(256 + hits.len() * 512);
        body.extend_from_slice(br#"{"type":"FeatureCollection","#);
        body.extend_from_slice(members.as_bytes());
        body.extend_from_slice(br#","features":["#);
        for (n, i) in hits.iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            self.write_feature(*i, crs, &mut body);
        }
        body.extend_from_slice(b"]}");
        String::from_utf8(body).expect("JSON is UTF-8")
    }

    /// One feature as GeoJSON text in the requested CRS.
    pub fn feature(&self, i: usize, crs: OutCrs) -> String {
        let mut out = Vec::with_capacity(512);
        self.write_feature(i, crs, &mut out);
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    /// One feature written into `out`, its members in the order `serde_json` writes an
    /// object's (geometry, id, properties, type), without making the object.
    fn write_feature(&self, i: usize, crs: OutCrs, out: &mut Vec<u8>) {
        let item = &self.items[i];
        let geom = match crs {
            OutCrs::Crs84 => item
                .lonlat
                .as_ref()
                .map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
            OutCrs::LatLon(_) => item.lonlat.clone().map(|mut g| {
                swap_axes(&mut g);
                geojson::Geometry::new(geojson::GeometryValue::from(&g))
            }),
            OutCrs::Working => item.working.clone().map(|mut g| {
                g.map_coords_in_place(|c| coord! { x: (c.x * 100.0).round() / 100.0, y: (c.y * 100.0).round() / 100.0 });
                geojson::Geometry::new(geojson::GeometryValue::from(&g))
            }),
        };
        // Writing into a Vec cannot fail.
        out.extend_from_slice(br#"{"geometry":"#);
        // Through a JSON value, so the geometry's members are in key order as before.
        let geom = geom.and_then(|g| serde_json::to_value(g).ok());
        let _ = serde_json::to_writer(&mut *out, &geom);
        out.extend_from_slice(br#","id":"#);
        let _ = serde_json::to_writer(&mut *out, &*item.id);
        out.extend_from_slice(br#","properties":"#);
        self.properties.write_object(i, out);
        out.extend_from_slice(br#","type":"Feature"}"#);
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

    fn properties_into<'a>(
        &'a self,
        i: usize,
        out: &mut Vec<(&'a str, crate::tiles::tags::Prop<'a>)>,
    ) {
        self.properties.props_into(i, out)
    }

    fn shared_texts(&self) -> Option<crate::tiles::tags::SharedTexts> {
        Some(self.properties.texts())
    }

    fn meeting(&self, [w, s, e, n]: [f64; 4]) -> Vec<usize> {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners([w, s], [e, n]))
            .map(|e| e.data)
            .collect()
    }
}
