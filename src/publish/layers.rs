//! The properties of each result layer, exactly as docs/outputs.md names them, plus the evidence a
//! reviewer asks for (distances, the rule as it applied, the trace).

use geo::{Geometry, InteriorPoint};
use geojson::JsonObject;
use rayon::prelude::*;
use serde_json::{Value, json};

use super::geojson::OutFeature;
use super::gpkg::{Kind, Table, json_of, typed_table};
use crate::analysis::Analysis;
use crate::contract::ProblemCode;
use crate::load::Loaded;
use crate::model::{Answer, Inspection, Pipe};
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use geopackage::Value as Cell;

fn object(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("built from json!({{…}})"),
    }
}

/// The point a problem or enterprise is drawn at: itself if a point, else a point on it.
fn marker(g: &Geometry) -> Option<Geometry> {
    match g {
        Geometry::Point(_) => Some(g.clone()),
        other => other.interior_point().map(Geometry::Point),
    }
}

/// Metres rounded to centimetres, for reading.
fn metres(d: f64) -> f64 {
    (d * 100.0).round() / 100.0
}

/// The features of an output layer by name (all but the Yangtze band, see `yangtze_band`).
pub fn by_name(layer: &str, o: Outcome) -> Option<Vec<OutFeature>> {
    Some(match layer {
        "clusters" => clusters(o),
        "problems" => problems(o),
        "outfalls" => outfalls(o.loaded, o.analysis),
        "enterprises" => enterprises(o.loaded, o.analysis),
        _ => return from_workspace(layer, o.loaded),
    })
}

/// A large layer (pipes, enterprises) as the feature server takes it: the features
/// `by_name` gives, with the same properties, as ids, geometries and typed rows rather
/// than a JSON object each.
pub struct TypedLayer<'a> {
    pub ids: Vec<String>,
    pub geoms: Vec<Option<Geometry>>,
    /// Column names, in the order of each row's values.
    pub names: Vec<&'static str>,
    pub rows: Box<dyn Iterator<Item = Vec<Cell>> + Send + 'a>,
}

pub fn typed<'a>(layer: &str, o: Outcome<'a>) -> Option<TypedLayer<'a>> {
    let l = &o.loaded.layers;
    Some(match layer {
        "pipes" => TypedLayer {
            ids: l.pipes.iter().map(|p| p.id.clone()).collect(),
            geoms: l
                .pipes
                .iter()
                .map(|p| Some(Geometry::LineString(p.geom.clone())))
                .collect(),
            names: PIPE_COLUMNS.iter().map(|(n, _)| *n).collect(),
            rows: Box::new(l.pipes.iter().map(pipe_values)),
        },
        "enterprises" => TypedLayer {
            ids: l.enterprises.iter().map(|e| e.id.clone()).collect(),
            geoms: l
                .enterprises
                .iter()
                .map(|e| Some(Geometry::Point(e.rep.into())))
                .collect(),
            names: ENTERPRISE_COLUMNS.to_vec(),
            rows: Box::new(
                (0..l.enterprises.len()).map(move |i| enterprise_values(o.loaded, o.analysis, i)),
            ),
        },
        _ => return None,
    })
}

/// The layers whose features come from the workspace alone, without the analysis (the
/// Yangtze band too: `yangtze_band`).
pub fn is_from_workspace(layer: &str) -> bool {
    matches!(
        layer,
        "pipes" | "manholes" | "plants" | "parks" | "rivers" | "districts" | "yangtze_band"
    )
}

/// Whether a layer that needs no analysis has any feature to write, without building them.
pub fn has_workspace_features(layer: &str, loaded: &Loaded) -> bool {
    let l = &loaded.layers;
    match layer {
        "pipes" => !l.pipes.is_empty(),
        "manholes" => !l.manholes.is_empty(),
        "plants" => !l.plants.is_empty(),
        "parks" => !l.parks.is_empty(),
        "rivers" => !l.rivers.is_empty(),
        "districts" => !l.districts.is_empty(),
        "yangtze_band" => l.rivers.iter().any(|r| r.main_stem),
        _ => false,
    }
}

/// A layer that needs no analysis, by name.
pub fn from_workspace(layer: &str, loaded: &Loaded) -> Option<Vec<OutFeature>> {
    Some(match layer {
        "pipes" => pipes(loaded),
        "manholes" => manholes(loaded),
        "plants" => plants(loaded),
        "parks" => parks(loaded),
        "rivers" => rivers(loaded),
        "districts" => districts(loaded),
        _ => return None,
    })
}

pub fn clusters(o: Outcome) -> Vec<OutFeature> {
    let (loaded, analysis, readiness) = (o.loaded, o.analysis, o.readiness);
    let layers = &loaded.layers;
    layers
        .clusters
        .par_iter()
        .zip(&analysis.clusters)
        .enumerate()
        .map(|(i, (c, r))| {
            let park = r.park.map(|p| &layers.parks[p]);
            let mut props = object(json!({
                "cluster_id": c.id,
                "name": c.name,
                "park_id": park.map(|p| p.id.clone()).or_else(|| c.park_id.clone()),
                "park_name": park.and_then(|p| p.name.clone()),
                "park_level": r.park_level.map(|l| l.as_str()),
                "district": r.district,
                "demo": c.demo,
                "demo_candidate": c.demo_candidate,
                "demo_target_date": c.demo_candidate.then(|| loaded.project.demo.target_date.clone()),
                "in_corridor": r.corridor.in_corridor,
                "corridor_distance_m": r.corridor.distance_m.map(metres),
                "corridor_reason": r.corridor.reason.as_str(),
                "enterprise_count": r.enterprise_count,
                "deadline": r.deadline,
                "deadline_reason": r.deadline_reason,
                "campaign_status": o.campaign.clusters[i].as_str(),
                "problem_count": readiness.problem_count(i),
            }));
            let counts = &readiness.problem_counts[i];
            for code in ProblemCode::ALL {
                props.insert(
                    code.as_str().into(),
                    json!(counts.get(&code).copied().unwrap_or(0)),
                );
            }
            let plants: Vec<&String> = r
                .downstream
                .plants
                .iter()
                .map(|p| &layers.plants[*p].id)
                .collect();
            props.insert("receiving_plant_ids".into(), json!(plants));
            for f in crate::contract::MANUAL_FIELDS
                .iter()
                .filter(|f| f.layer == crate::contract::LayerKind::Clusters)
            {
                props.insert(f.name.into(), json!(c.answers.get(f.name)));
            }
            let scored = readiness.clusters[i].as_ref();
            props.insert("score".into(), json!(scored.map(|s| round2(s.score))));
            props.insert("ready".into(), json!(scored.map(|s| s.ready)));
            props.insert("veto".into(), json!(scored.map(|s| !s.veto.is_empty())));
            props.insert(
                "actions_to_ready".into(),
                json!(scored.and_then(|s| s.actions_to_ready())),
            );
            props.insert(
                "unanswered_count".into(),
                json!(scored.map(|s| s.unanswered.len())),
            );
            props.insert("readiness".into(), json!(o.readiness.group(i).as_str()));
            props.insert(
                "score_provisional".into(),
                json!(readiness.rubric.provisional),
            );
            for item in &readiness.rubric.items {
                props.insert(
                    item.id.clone(),
                    json!(
                        scored
                            .and_then(|s| s.item(&item.id))
                            .map(|s| round2(s.points))
                    ),
                );
            }
            OutFeature {
                id: c.id.clone(),
                geom: Some(Geometry::MultiPolygon(c.geom.clone())),
                properties: props,
            }
        })
        .collect()
}

pub fn problems(o: Outcome) -> Vec<OutFeature> {
    o.analysis
        .problems
        .par_iter()
        .map(|p| {
            let mut props = object(json!({
                "problem_id": p.problem_id,
                "code": p.code.as_str(),
                "layer": p.layer.name(),
                "feature_id": p.feature_id,
                "cluster_id": p.cluster_id,
                "cluster_ids": p.cluster_ids,
                "deadline": p.deadline,
                "severity": p.severity.as_str(),
                "label_zh": p.code.label_zh(),
                "label_en": p.code.label_en(),
                "detail": p.detail,
                "detail_en": p.detail_en,
                "distance_m": p.distance_m.map(metres),
            }));
            if let Some(t) = &p.trace {
                props.insert("upstream_pipe_ids".into(), json!(t.pipe_ids));
                props.insert("upstream_enterprise_ids".into(), json!(t.enterprise_ids));
            }
            if let Some(l) = o.ledger {
                let e = l.entries.get(&p.problem_id);
                props.insert("status".into(), json!(e.map(|e| e.status.as_str())));
                props.insert("status_zh".into(), json!(e.map(|e| e.status.zh())));
                props.insert("recurrences".into(), json!(e.map_or(0, |e| e.recurrences)));
                props.insert(
                    "recurrent".into(),
                    json!(e.is_some_and(|e| e.recurrences > 0)),
                );
                props.insert("due".into(), json!(e.and_then(|e| e.due.clone())));
                props.insert("unit".into(), json!(e.and_then(|e| e.unit.clone())));
                props.insert("measure".into(), json!(e.and_then(|e| e.measure.clone())));
                props.insert("change".into(), json!(l.change_of(&p.problem_id)));
            }
            OutFeature {
                id: p.problem_id.clone(),
                // One marker per problem, on the feature it is about: a layer of one
                // geometry type, as QGIS and GeoPackage want.
                geom: p.geom.as_ref().and_then(marker),
                properties: props,
            }
        })
        .collect()
}

pub fn outfalls(loaded: &Loaded, analysis: &Analysis) -> Vec<OutFeature> {
    let layers = &loaded.layers;
    layers
        .outfalls
        .par_iter()
        .zip(&analysis.outfalls)
        .map(|(o, r)| {
            let dry = r.latest.dry.map(|i| &layers.inspections[i]);
            let sample = r.latest.sample.map(|i| &layers.inspections[i]);
            let mut props = object(json!({
                "outfall_id": o.id,
                "name": o.name,
                "kind": o.kind.map(|k| k.as_str()),
                "receiving_water": o.receiving_water,
                "cluster_id": r.cluster.map(|c| layers.clusters[c].id.clone()),
                "matched": r.matched.is_some(),
                "matched_pipe_id": r.matched.map(|(p, _)| layers.pipes[p].id.clone()),
                "match_distance_m": r.matched.map(|(_, d)| metres(d)),
                "plant_id": r.plant.map(|p| layers.plants[p].id.clone()).or_else(|| o.plant_id.clone()),
                "upstream_pipe_count": r.upstream_pipes.len(),
                "upstream_enterprise_count": r.upstream_enterprises.len(),
                "status": r.status.as_str(),
                "problem_codes": r.codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "cluster_by": r.attribution.map(|a| a.as_str()),
                "inspected_dry": r.latest.dry.is_some(),
                "last_dry_inspection": dry.map(Inspection::date_text),
                "last_dry_flowing": dry.and_then(|i| i.flowing),
                "last_sample": sample.map(Inspection::date_text),
                "last_cod_mgl": sample.and_then(|i| i.cod_mgl),
                "last_nh3n_mgl": sample.and_then(|i| i.nh3n_mgl),
            }));
            if !r.codes.is_empty() {
                props.insert(
                    "upstream_pipe_ids".into(),
                    json!(r.upstream_pipes.iter().map(|p| &layers.pipes[*p].id).collect::<Vec<_>>()),
                );
                props.insert(
                    "upstream_enterprise_ids".into(),
                    json!(r
                        .upstream_enterprises
                        .iter()
                        .map(|e| &layers.enterprises[*e].id)
                        .collect::<Vec<_>>()),
                );
            }
            OutFeature {
                id: o.id.clone(),
                geom: Some(Geometry::Point(o.geom)),
                properties: props,
            }
        })
        .collect()
}

/// The input layers as loaded (in the contract's field names), for serving and exporting.
pub fn parks(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .parks
        .iter()
        .map(|p| OutFeature {
            id: p.id.clone(),
            geom: Some(Geometry::MultiPolygon(p.geom.clone())),
            properties: object(json!({
                "park_id": p.id,
                "name": p.name,
                "level": p.level.map(|l| l.as_str()),
                "district": p.district,
                "yangtze_side": p.yangtze_side,
            })),
        })
        .collect()
}

/// Typed values as JSON properties under their columns' names: the feature server serves
/// the rows the GeoPackage holds.
fn json_properties<'a>(names: impl IntoIterator<Item = &'a str>, values: Vec<Cell>) -> JsonObject {
    names
        .into_iter()
        .zip(values)
        .map(|(name, value)| (name.to_string(), json_of(value)))
        .collect()
}

/// The enterprises layer's columns, in order (alphabetical, as every layer built from
/// JSON properties has them).
const ENTERPRISE_COLUMNS: [&str; 15] = [
    "cluster_id",
    "connected",
    "covered",
    "credit_code",
    "drain_distance_m",
    "drain_pipe_id",
    "enterprise_id",
    "first_flush",
    "industry",
    "name",
    "permit_no",
    "separated",
    "site_is_polygon",
    "status",
    "wastewater_tpd",
];

/// One enterprise's values, in the order of `ENTERPRISE_COLUMNS`.
fn enterprise_values(loaded: &Loaded, analysis: &Analysis, i: usize) -> Vec<Cell> {
    let layers = &loaded.layers;
    let (e, r) = (&layers.enterprises[i], &analysis.enterprises[i]);
    let text = |t: Option<&String>| t.cloned().map_or(Cell::Null, Cell::Text);
    let answer = |key: &str| match e.answers.get(key) {
        Some(Answer::YesNo(b)) => Cell::Boolean(*b),
        Some(Answer::Text(t)) => Cell::Text(t.clone()),
        None => Cell::Null,
    };
    let status = match (e.connected, r.cluster, r.drain) {
        (Some(false), _, _) => "not_connected",
        (_, _, Some(_)) => "covered",
        (_, Some(_), None) => "uncovered",
        (_, None, None) => "outside",
    };
    vec![
        text(r.cluster.map(|c| &layers.clusters[c].id)),
        e.connected.map_or(Cell::Null, Cell::Boolean),
        Cell::Boolean(r.drain.is_some()),
        text(e.credit_code.as_ref()),
        r.drain.map_or(Cell::Null, |(_, d)| Cell::Float(metres(d))),
        text(r.drain.map(|(p, _)| &layers.pipes[p].id)),
        Cell::Text(e.id.clone()),
        answer("first_flush"),
        text(e.industry.as_ref()),
        text(e.name.as_ref()),
        text(e.permit_no.as_ref()),
        answer("separated"),
        Cell::Boolean(!matches!(e.geom, Geometry::Point(_))),
        Cell::Text(status.into()),
        e.wastewater_tpd.map_or(Cell::Null, Cell::Float),
    ]
}

/// The enterprises as a typed table, for the GeoPackage: half a million enterprises are
/// written without a JSON object each.
pub fn enterprise_table<'a>(
    loaded: &'a Loaded,
    analysis: &'a Analysis,
) -> Table<impl ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)> + 'a> {
    let rows = (0..loaded.layers.enterprises.len())
        .into_par_iter()
        .map(|i| {
            let point = Geometry::Point(loaded.layers.enterprises[i].rep.into());
            (Some(point), enterprise_values(loaded, analysis, i))
        })
        .collect();
    typed_table(&ENTERPRISE_COLUMNS, rows)
}

/// The enterprises as features (the feature server's layer), with the same properties.
pub fn enterprises(loaded: &Loaded, analysis: &Analysis) -> Vec<OutFeature> {
    (0..loaded.layers.enterprises.len())
        .into_par_iter()
        .map(|i| {
            let e = &loaded.layers.enterprises[i];
            OutFeature {
                id: e.id.clone(),
                geom: Some(Geometry::Point(e.rep.into())),
                properties: json_properties(
                    ENTERPRISE_COLUMNS,
                    enterprise_values(loaded, analysis, i),
                ),
            }
        })
        .collect()
}

/// The pipes layer's columns, in order.
const PIPE_COLUMNS: [(&str, Kind); 12] = [
    ("pipe_id", Kind::Text),
    ("kind", Kind::Text),
    ("from_node", Kind::Text),
    ("to_node", Kind::Text),
    ("diameter_mm", Kind::Real),
    ("defect_grade", Kind::Integer),
    ("flow_basis", Kind::Text),
    ("reversed", Kind::Bool),
    ("from_invert_m", Kind::Real),
    ("to_invert_m", Kind::Real),
    ("from_depth_m", Kind::Real),
    ("to_depth_m", Kind::Real),
];

/// One pipe's values, in the order of `PIPE_COLUMNS`.
fn pipe_values(p: &Pipe) -> Vec<Cell> {
    let text = |t: &Option<String>| t.clone().map_or(Cell::Null, Cell::Text);
    // In the direction of flow: `from_*` is the upstream end.
    let l = p.levels();
    let level = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
    vec![
        Cell::Text(p.id.clone()),
        Cell::Text(p.kind.as_str().into()),
        text(&p.from_node),
        text(&p.to_node),
        p.diameter_mm.map_or(Cell::Null, Cell::Float),
        p.defect_grade
            .map_or(Cell::Null, |g| Cell::Integer(g.into())),
        Cell::Text(p.flow_basis.as_str().into()),
        Cell::Boolean(p.reversed),
        level(l.from_invert_m),
        level(l.to_invert_m),
        level(l.from_depth_m),
        level(l.to_depth_m),
    ]
}

/// The pipes as a typed table, for the GeoPackage: two million pipes are written
/// straight from the model.
pub fn pipe_table(
    loaded: &Loaded,
) -> Table<impl ExactSizeIterator<Item = (Option<Geometry>, Vec<Cell>)> + '_> {
    Table {
        columns: PIPE_COLUMNS
            .iter()
            .map(|(name, kind)| (name.to_string(), *kind))
            .collect(),
        rows: loaded
            .layers
            .pipes
            .iter()
            .map(|p| (Some(Geometry::LineString(p.geom.clone())), pipe_values(p))),
    }
}

/// The pipes as features (the feature server's pipes layer), with the same properties.
pub fn pipes(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .pipes
        .par_iter()
        .map(|p| OutFeature {
            id: p.id.clone(),
            geom: Some(Geometry::LineString(p.geom.clone())),
            properties: json_properties(PIPE_COLUMNS.map(|(name, _)| name), pipe_values(p)),
        })
        .collect()
}

/// The districts (区县) as loaded.
pub fn districts(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .districts
        .iter()
        .map(|d| OutFeature {
            id: d.name.clone(),
            geom: Some(Geometry::MultiPolygon(d.geom.clone())),
            properties: object(json!({ "name": d.name })),
        })
        .collect()
}

/// The survey's points (管点) as loaded.
pub fn manholes(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .manholes
        .iter()
        .map(|m| OutFeature {
            id: m.id.clone(),
            geom: Some(Geometry::Point(m.geom)),
            properties: object(json!({
                "node_id": m.id,
                "kind": m.kind.map(|k| k.as_str()),
                "ground_m": m.ground_m,
                "invert_m": m.invert_m,
                "feature": m.feature,
            })),
        })
        .collect()
}

pub fn plants(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .plants
        .iter()
        .map(|p| OutFeature {
            id: p.id.clone(),
            geom: Some(Geometry::Point(p.rep.into())),
            properties: object(json!({
                "plant_id": p.id,
                "name": p.name,
                "capacity_tpd": p.capacity_tpd,
                "inflow_tpd": p.inflow_tpd,
                "load_rate": match (p.inflow_tpd, p.capacity_tpd) {
                    (Some(i), Some(c)) if c > 0.0 => Some((i / c * 1000.0).round() / 1000.0),
                    _ => None,
                },
                "overloaded": matches!((p.inflow_tpd, p.capacity_tpd), (Some(i), Some(c)) if i > c),
                "load_class": match (p.inflow_tpd, p.capacity_tpd) {
                    (Some(i), Some(c)) if i > c => "overloaded",
                    (Some(i), Some(c)) if c > 0.0 && i >= 0.8 * c => "high",
                    (Some(_), Some(c)) if c > 0.0 => "normal",
                    _ => "unknown",
                },
            })),
        })
        .collect()
}

pub fn rivers(loaded: &Loaded) -> Vec<OutFeature> {
    loaded
        .layers
        .rivers
        .iter()
        .enumerate()
        .map(|(i, r)| OutFeature {
            id: format!("river-{}", i + 1),
            geom: Some(r.geom.clone()),
            properties: object(json!({ "name": r.name, "main_stem": r.main_stem })),
        })
        .collect()
}

/// The band within `corridor_m` of the Yangtze main stem, for the map.
pub fn yangtze_band(loaded: &Loaded) -> anyhow::Result<Vec<OutFeature>> {
    let d = loaded.project.params.corridor_m;
    let Some(band) = crate::analysis::corridor::band(&loaded.layers.rivers, d)? else {
        return Ok(Vec::new());
    };
    Ok(vec![OutFeature {
        id: "yangtze_band".into(),
        geom: Some(band),
        properties: object(
            json!({ "distance_m": d, "name": format!("长江干流 {d} m 范围 Yangtze main stem ± {d} m") }),
        ),
    }])
}
