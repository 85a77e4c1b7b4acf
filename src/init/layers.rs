//! Which source layer is which contract layer: its name (file stem or layer name) against
//! the words naming each layer, its geometry, and how many of the layer's fields it holds
//! (a field of pipe kinds makes pipes, one of outfall kinds outfalls). Each contract layer
//! takes the best source left, unless two fit as well.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::fields::{self, Decision, KnownIds};
use super::names;
use super::values;
use super::words::{Expect, layer_words};
use crate::contract::LayerKind;
use crate::load::inventory::{LayerInfo, Shape};

/// Below this a source is not taken for a layer.
pub const TAKE: f64 = 50.0;
const TIE: f64 = 5.0;

/// Why a source is thought to be a layer.
#[derive(Debug, Clone)]
pub struct LayerCandidate {
    /// Index into the inventory.
    pub source: usize,
    pub score: f64,
    pub why: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum LayerDecision {
    Taken(LayerCandidate),
    Tie(Vec<LayerCandidate>),
    Missing,
}

fn fits(kind: LayerKind, shape: Shape) -> bool {
    use LayerKind::*;
    match kind {
        // A survey's pipe table (管线) names its end points; its points come as a table
        // of coordinates (管点).
        Pipes => matches!(shape, Shape::Line | Shape::None),
        Outfalls | Manholes => matches!(shape, Shape::Point | Shape::None),
        Enterprises | Plants => matches!(shape, Shape::Point | Shape::Polygon | Shape::None),
        Parks | Clusters | Districts => shape == Shape::Polygon,
        Rivers => matches!(shape, Shape::Line | Shape::Polygon),
        Inspections => matches!(shape, Shape::Point | Shape::None),
    }
}

/// The names a source goes by: its file stem, and its layer name when that differs.
fn source_names(l: &LayerInfo) -> Vec<String> {
    let stem = Path::new(&l.dataset)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut v = vec![l.layer.clone()];
    if !stem.eq_ignore_ascii_case(&l.layer) {
        v.push(stem);
    }
    v
}

/// How well source `l` fits contract layer `kind`.
pub fn score(kind: LayerKind, l: &LayerInfo, ids: &KnownIds) -> Option<LayerCandidate> {
    if !fits(kind, l.shape) {
        return None;
    }
    let mut why = vec![format!(
        "{}，{} 个要素 ({}, {} features)",
        shape_zh(l.shape),
        l.count,
        l.shape.label(),
        l.count
    )];
    let mut words: Vec<&str> = vec![kind.name()];
    words.extend_from_slice(kind.aliases());
    words.extend_from_slice(layer_words(kind));
    let by_name = source_names(l)
        .iter()
        .filter_map(|n| names::best(n, &words))
        .max_by(|a, b| a.score.total_cmp(&b.score));
    let mut s = 0.0;
    if let Some(m) = &by_name {
        s += m.score * 0.6;
        why.push(m.why.clone());
    }
    // Fields: each required one found counts, each optional one a little.
    let decided = fields::decide(kind, l, ids);
    let mut found = Vec::new();
    for spec in kind.fields() {
        if let Some(Decision::Taken(c)) = decided.get(spec.name) {
            s += if spec.required { 15.0 } else { 4.0 };
            found.push(format!("{}←{}", spec.name, c.source));
        } else if spec.required {
            s -= 10.0;
        }
    }
    if !found.is_empty() {
        why.push(format!("字段 fields: {}", found.join(", ")));
    }
    // Values that only this layer has: kinds of pipes or of outfalls.
    let kind_values = |e: Expect| {
        l.fields
            .iter()
            .any(|f| values::share(e, f) >= 0.9 && f.distinct >= 1)
    };
    match kind {
        LayerKind::Pipes if kind_values(Expect::PipeKind) => {
            s += 15.0;
            why.push("有管线类型的值 (a field of pipe kinds)".into());
        }
        LayerKind::Outfalls => {
            if let Some(f) = super::outfall_field(l) {
                s += 30.0;
                why.push(format!(
                    "字段 {} 的值指排口 (field {} names outfalls)",
                    f.name, f.name
                ));
            } else if kind_values(Expect::OutfallKind) {
                s += 15.0;
            }
        }
        LayerKind::Rivers
            if l.fields.iter().any(|f| {
                f.values.iter().any(|(v, _)| {
                    v.ends_with('江') || v.ends_with('河') || v.to_lowercase().contains("river")
                })
            }) =>
        {
            s += 20.0;
            why.push("有河流名称的值 (river names among its values)".into());
        }
        _ => {}
    }
    Some(LayerCandidate {
        source: 0,
        score: s,
        why,
    })
}

fn shape_zh(s: Shape) -> &'static str {
    match s {
        Shape::Point => "点",
        Shape::Line => "线",
        Shape::Polygon => "面",
        Shape::None => "无几何的表",
    }
}

/// Decide which source each contract layer is. Ids known so far help reference fields;
/// a second pass with the ids of the layers decided settles them.
pub fn decide(inventory: &[LayerInfo], ids: &KnownIds) -> BTreeMap<LayerKind, LayerDecision> {
    let mut all: Vec<(LayerKind, LayerCandidate)> = Vec::new();
    for (i, l) in inventory.iter().enumerate() {
        for kind in LayerKind::ALL {
            if let Some(mut c) = score(kind, l, ids) {
                c.source = i;
                all.push((kind, c));
            }
        }
    }
    all.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    let mut used: HashSet<usize> = HashSet::new();
    let mut out = BTreeMap::new();
    for (kind, c) in &all {
        if out.contains_key(kind) || used.contains(&c.source) || c.score < TAKE {
            continue;
        }
        let rivals: Vec<LayerCandidate> = all
            .iter()
            .filter(|(k, c2)| k == kind && c2.source != c.source && !used.contains(&c2.source))
            .filter(|(_, c2)| c.score - c2.score < TIE && c2.score >= TAKE)
            .map(|(_, c2)| c2.clone())
            .collect();
        if rivals.is_empty() {
            used.insert(c.source);
            out.insert(*kind, LayerDecision::Taken(c.clone()));
        } else {
            let mut tie = vec![c.clone()];
            tie.extend(rivals);
            out.insert(*kind, LayerDecision::Tie(tie));
        }
    }
    for kind in LayerKind::ALL {
        out.entry(kind).or_insert(LayerDecision::Missing);
    }
    out
}
