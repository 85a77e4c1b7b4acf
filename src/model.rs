//! The domain types every stage shares: the features of a workspace after loading, in the
//! working metric CRS, with their attributes parsed into the contract's kinds.
//!
//! Nothing here knows where a feature came from (file, database, encoding) or where a
//! result will go.

use std::collections::{BTreeMap, BTreeSet};

use geo::{Coord, Geometry, LineString, MultiPolygon, Point};
use litemap::LiteMap;
use serde::Serialize;

use crate::contract::LayerKind;

/// A manual answer the acceptance rubric reads (在线监控, 责任主体 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Text(String),
}

impl Answer {
    /// Whether the answer earns the item: yes, or a text that is not empty.
    pub fn holds(&self) -> bool {
        match self {
            Answer::YesNo(b) => *b,
            Answer::Text(t) => !t.trim().is_empty(),
        }
    }
}

/// A feature's manual answers by contract field name; a field absent is unanswered.
pub type Answers = LiteMap<&'static str, Answer>;

/// Park level, which decides the 2025 deadline for national-level parks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParkLevel {
    National,
    Provincial,
}

impl ParkLevel {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

pub use crate::contract::kinds::{OutfallKind, PipeKind};

#[derive(Debug, Clone)]
pub struct Park {
    pub id: String,
    pub name: Option<String>,
    pub level: Option<ParkLevel>,
    pub district: Option<String>,
    pub yangtze_side: Option<bool>,
    pub geom: MultiPolygon,
    pub rep: Coord,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: String,
    pub park_id: Option<String>,
    pub name: Option<String>,
    pub demo: bool,
    /// On the candidate list (示范备选): keeps its general deadline, with the demonstration
    /// milestone beside it.
    pub demo_candidate: bool,
    pub yangtze_side: Option<bool>,
    /// 在线监控, 责任主体, 建设方案 … as answered.
    pub answers: Answers,
    pub geom: MultiPolygon,
    pub rep: Coord,
}

#[derive(Debug, Clone)]
pub struct Enterprise {
    pub id: String,
    pub name: Option<String>,
    pub credit_code: Option<String>,
    pub industry: Option<String>,
    pub wastewater_tpd: Option<f64>,
    pub connected: Option<bool>,
    pub permit_no: Option<String>,
    /// 雨污分流 and 初期雨水 as answered.
    pub answers: Answers,
    /// A point, or the site polygon.
    pub geom: Geometry,
    pub rep: Coord,
}

#[derive(Debug, Clone)]
pub struct Pipe {
    pub id: String,
    pub kind: PipeKind,
    /// The node at the first vertex (起点点号) and at the last (终点点号).
    pub from_node: Option<String>,
    pub to_node: Option<String>,
    pub diameter_mm: Option<f64>,
    pub defect_grade: Option<u8>,
    /// The survey's levels at the two ends, when it gave any.
    pub levels: Option<Box<PipeLevels>>,
    /// As delivered, then turned to run in the direction of flow (`network::flow`).
    pub geom: LineString,
    /// What decided the direction the pipe is held in.
    pub flow_basis: FlowBasis,
    /// Whether the flow runs against the direction the pipe was delivered in (its
    /// geometry, nodes and levels have been turned round).
    pub reversed: bool,
}

/// A pipe's levels at its first (`from_*`) and last (`to_*`) vertex, in metres: the inner
/// bottom's elevation (管底高程), or the depth to it (埋深) below the end manhole's ground.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PipeLevels {
    pub from_invert_m: Option<f64>,
    pub to_invert_m: Option<f64>,
    pub from_depth_m: Option<f64>,
    pub to_depth_m: Option<f64>,
}

impl PipeLevels {
    /// The same levels with the ends swapped.
    pub fn turned(self) -> PipeLevels {
        PipeLevels {
            from_invert_m: self.to_invert_m,
            to_invert_m: self.from_invert_m,
            from_depth_m: self.to_depth_m,
            to_depth_m: self.from_depth_m,
        }
    }
}

/// What decided a pipe's direction of flow.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FlowBasis {
    /// The invert levels at its two ends differ by more than `flat_m`.
    Levels,
    /// `from_node` → `to_node`, else the digitised direction.
    #[default]
    Recorded,
}

impl FlowBasis {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl Pipe {
    /// A pipe with nothing but its id, kind and line: no nodes, size or levels, flowing as
    /// drawn.
    pub fn new(id: impl Into<String>, kind: PipeKind, geom: LineString) -> Pipe {
        Pipe {
            id: id.into(),
            kind,
            from_node: None,
            to_node: None,
            diameter_mm: None,
            defect_grade: None,
            levels: None,
            geom,
            flow_basis: FlowBasis::Recorded,
            reversed: false,
        }
    }

    /// First and last vertex: the upstream and downstream ends once the flow is decided.
    pub fn ends(&self) -> (Coord, Coord) {
        let c = &self.geom.0;
        (c[0], c[c.len() - 1])
    }

    pub fn levels(&self) -> PipeLevels {
        self.levels.as_deref().copied().unwrap_or_default()
    }

    /// Turn the pipe round: its geometry, nodes and levels run the other way.
    pub fn turn(&mut self) {
        self.geom.0.reverse();
        std::mem::swap(&mut self.from_node, &mut self.to_node);
        if let Some(l) = &mut self.levels {
            **l = l.turned();
        }
        self.reversed = !self.reversed;
    }
}

/// A district or county (区县).
#[derive(Debug, Clone)]
pub struct District {
    pub name: String,
    pub geom: MultiPolygon,
}

/// Pipes counted by what decided their direction of flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FlowCounts {
    /// Decided by the inverts at their two ends.
    pub levels: usize,
    /// As recorded: `from_node` → `to_node`, else the digitised direction.
    pub recorded: usize,
    /// Flowing against the direction they were delivered in.
    pub reversed: usize,
    /// Without a known invert at one end or both.
    pub unlevelled: usize,
}

/// A point of a pipeline survey (管点): a manhole (检查井), a gully, an outlet ….
#[derive(Debug, Clone)]
pub struct Manhole {
    pub id: String,
    pub kind: Option<PipeKind>,
    pub ground_m: Option<f64>,
    pub invert_m: Option<f64>,
    /// 附属物 as surveyed (检查井, 雨篦, 出水口 …).
    pub feature: Option<String>,
    pub geom: Point,
}

impl Manhole {
    /// A point known by its id alone, without kind or levels.
    pub fn new(id: impl Into<String>, geom: Point) -> Manhole {
        Manhole {
            id: id.into(),
            kind: None,
            ground_m: None,
            invert_m: None,
            feature: None,
            geom,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outfall {
    pub id: String,
    pub name: Option<String>,
    pub kind: Option<OutfallKind>,
    pub receiving_water: Option<String>,
    pub plant_id: Option<String>,
    pub geom: Point,
}

#[derive(Debug, Clone)]
pub struct Plant {
    pub id: String,
    pub name: Option<String>,
    pub capacity_tpd: Option<f64>,
    pub inflow_tpd: Option<f64>,
    /// A point, or the site polygon.
    pub geom: Geometry,
    pub rep: Coord,
}

#[derive(Debug, Clone)]
pub struct River {
    pub name: Option<String>,
    /// Whether the feature is part of the Yangtze main stem.
    pub main_stem: bool,
    pub geom: Geometry,
}

/// The weather of an inspection: 晴/阴/多云 are dry, any 雨 is rain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Weather {
    Dry,
    Rain,
}

impl Weather {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One field inspection of an outfall (排查记录): what the inspector saw and sampled.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// Where it came from, for messages: `row 5` of a table, or `fid:5`.
    pub row: String,
    /// The order it was read in: of two inspections on one day, the later row is the later.
    pub seq: usize,
    pub outfall_id: String,
    pub date: chrono::NaiveDateTime,
    pub weather: Option<Weather>,
    pub flowing: Option<bool>,
    pub cod_mgl: Option<f64>,
    pub nh3n_mgl: Option<f64>,
    pub inspector: Option<String>,
    pub note: Option<String>,
}

impl Inspection {
    /// The date as written in outputs: `2025-03-01`, with the time when it is not midnight.
    pub fn date_text(&self) -> String {
        if self.date.time() == chrono::NaiveTime::MIN {
            self.date.date().to_string()
        } else {
            self.date.format("%Y-%m-%d %H:%M").to_string()
        }
    }

    /// Whether it took a sample (COD or NH3-N measured).
    pub fn sampled(&self) -> bool {
        self.cod_mgl.is_some() || self.nh3n_mgl.is_some()
    }
}

/// Something wrong with an input feature, found while loading.
#[derive(Debug, Clone, Serialize)]
pub struct LoadFinding {
    pub layer: LayerKind,
    pub feature_id: String,
    pub kind: FindingKind,
    /// What was found, to be said in either language; written in English as `message`.
    #[serde(rename = "message", serialize_with = "in_english")]
    pub fault: crate::contract::LoadFault,
    /// Whether zdz repaired the feature and used it (true) or skipped it (false).
    pub repaired: bool,
    #[serde(skip)]
    pub geom: Option<Geometry>,
}

fn in_english<S: serde::Serializer>(
    fault: &crate::contract::LoadFault,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fault.en())
}

impl LoadFinding {
    /// A finding of `fault` on feature `id` of `layer`.
    pub fn new(
        layer: LayerKind,
        feature_id: &str,
        kind: FindingKind,
        fault: crate::contract::LoadFault,
        repaired: bool,
    ) -> LoadFinding {
        LoadFinding {
            layer,
            feature_id: feature_id.to_string(),
            kind,
            fault,
            repaired,
            geom: None,
        }
    }

    /// What was found, in English.
    pub fn message(&self) -> String {
        self.fault.en()
    }

    /// What was found, in Chinese or in English.
    pub fn said(&self, chinese: bool) -> String {
        if chinese {
            self.fault.zh()
        } else {
            self.fault.en()
        }
    }
}

/// What sort of load finding it is; only geometry findings become `INVALID_GEOMETRY` problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Geometry,
    Value,
    DuplicateId,
    MissingId,
    /// A warning GDAL raised while reading the layer.
    Gdal,
}

/// Every layer of a workspace, loaded into the working CRS.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub parks: Vec<Park>,
    pub clusters: Vec<Cluster>,
    pub enterprises: Vec<Enterprise>,
    pub pipes: Vec<Pipe>,
    pub outfalls: Vec<Outfall>,
    pub plants: Vec<Plant>,
    pub rivers: Vec<River>,
    pub inspections: Vec<Inspection>,
    pub manholes: Vec<Manhole>,
    pub districts: Vec<District>,
    /// How the pipes' directions of flow were decided (`network::flow::orient`).
    pub flow: FlowCounts,
    pub findings: Vec<LoadFinding>,
    /// Layers the workspace did not have: the analyses that need them report nothing.
    pub missing: Vec<LayerKind>,
    /// The contract fields each present layer was read with (from its source or `set`).
    pub fields: BTreeMap<LayerKind, BTreeSet<&'static str>>,
}

impl Layers {
    /// Whether the workspace has the layer and, when `any_of` is not empty, at least one of
    /// those fields in it.
    pub fn has(&self, layer: LayerKind, any_of: &[&str]) -> bool {
        match self.fields.get(&layer) {
            Some(fields) => any_of.is_empty() || any_of.iter().any(|f| fields.contains(f)),
            None => false,
        }
    }
}
