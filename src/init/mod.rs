//! `zdz init <folder>`: a bureau's own data in ten minutes. Every layer GDAL reads in the
//! folder is looked at — its name, geometry, fields and their values, its CRS and
//! encoding — and matched to the contract's layers and fields; points are tested for a
//! Chinese web map's offset (GCJ-02, BD-09) against the pipe network. The result is a
//! `zdz.toml` with each decision written as a comment beside the line it produced, and a
//! `# TODO` line naming the candidates wherever it could not decide.
//!
//! Upstream of everything: it reads sources through `load::inventory` and writes a
//! project file the loader then reads like a hand-written one.

/// Coordinates: CRS guesses and the GCJ-02/BD-09 offset test.
pub mod coords;
/// Which source field is which contract field.
pub mod fields;
/// Which source layer is which contract layer.
pub mod layers;
/// Names against words: equal, pinyin initials, containing.
pub mod names;
/// The zdz.toml text, with its comments.
/// A CRS for a survey's table of points that declares none.
pub mod table_crs;
pub mod toml;
/// What values say: kinds, booleans, dates, numbers; values maps.
pub mod values;
/// The words layers and fields go by.
pub mod words;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::contract::LayerKind;
use crate::load::inventory::{self, LayerInfo};
use crate::project::CoordTag;
use fields::{Decision, KnownIds};
use layers::LayerDecision;
use words::Expect;

/// Everything decided for one contract layer.
#[derive(Debug, Clone)]
pub struct LayerPlan {
    pub kind: LayerKind,
    pub info: LayerInfo,
    pub why: Vec<String>,
    pub fields: BTreeMap<&'static str, Decision>,
    /// Canonical field → (source value → canonical value).
    pub values: BTreeMap<&'static str, BTreeMap<String, String>>,
    /// Canonical numeric field → factor, and why.
    pub scale: BTreeMap<&'static str, (f64, String)>,
    /// OGR SQL filter, and why.
    pub filter: Option<(String, String)>,
    /// A CRS to give (the source declares none), or why none could be guessed.
    pub crs: Option<Result<(String, String), String>>,
    pub coords: Option<(CoordTag, String)>,
    /// The offset test's figures when no correction is proposed.
    pub offset_note: Option<String>,
}

/// A layer with several candidates as good as each other: their places and scores.
pub type Tie = (LayerKind, Vec<(String, f64)>);

/// What `zdz init` decided for a folder.
#[derive(Debug, Clone)]
pub struct Plan {
    pub folder: String,
    pub layers: Vec<LayerPlan>,
    /// Layers with several candidates: the candidates' places and scores.
    pub ties: Vec<Tie>,
    /// Sources no layer was decided for.
    pub unused: Vec<String>,
    /// Files GDAL could not open.
    pub unreadable: Vec<String>,
}

impl Plan {
    /// What a run cannot do without: a required layer or field undecided, or a required
    /// layer whose CRS could not be guessed.
    pub fn undecided_required(&self) -> Vec<String> {
        let mut out = Vec::new();
        for kind in LayerKind::ALL.into_iter().filter(|k| k.required()) {
            if !self.layers.iter().any(|l| l.kind == kind) {
                out.push(format!("layer {} ({})", kind.name(), kind.label()));
            }
        }
        for l in &self.layers {
            for spec in l.kind.fields().iter().filter(|f| f.required) {
                let decided = matches!(l.fields.get(spec.name), Some(Decision::Taken(_)));
                if !decided {
                    out.push(format!("{}.{}", l.kind.name(), spec.name));
                }
            }
            if let Some(Err(why)) = &l.crs {
                out.push(format!("{} crs: {why}", l.kind.name()));
            }
        }
        out
    }
}

/// Fields whose name says the unit: million US gallons a day, or 万吨 (10,000 t).
fn unit_scale(field: &str) -> Option<(f64, String)> {
    let lower = field.to_lowercase();
    if names::words(field).iter().any(|w| w == "mgd") || lower.ends_with("mgd") {
        return Some((
            3785.41,
            "字段名含 MGD：百万加仑/日 → 吨/日 (million US gallons a day → t/d)".into(),
        ));
    }
    if field.contains("万吨")
        || field.contains("万m3")
        || field.contains("万立方")
        || field.contains("(万")
    {
        return Some((
            10_000.0,
            "字段名含“万”：万吨/日 → 吨/日 (10,000 t/d → t/d)".into(),
        ));
    }
    None
}

fn quote_sql(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// The field whose values say which features are outfalls (most such values).
pub fn outfall_field(info: &LayerInfo) -> Option<&inventory::FieldInfo> {
    let named = |f: &inventory::FieldInfo| -> usize {
        f.values
            .iter()
            .filter(|(v, _)| values::names_an_outfall(v))
            .map(|(_, n)| n)
            .sum()
    };
    info.fields
        .iter()
        .filter(|f| named(f) > 0)
        .max_by_key(|f| named(f))
}

/// A filter keeping only the features a layer is about: outfalls among manholes and
/// catch basins in one point layer; pipes of the three kinds among water mains.
fn filter_for(kind: LayerKind, info: &LayerInfo) -> Option<(String, String)> {
    let (field, keep, left): (&str, Vec<&str>, Vec<&str>) = match kind {
        LayerKind::Outfalls => {
            let f = outfall_field(info)?;
            let (keep, left): (Vec<_>, Vec<_>) = f
                .values
                .iter()
                .map(|(v, _)| v.as_str())
                .partition(|v| values::names_an_outfall(v));
            (f.name.as_str(), keep, left)
        }
        LayerKind::Pipes => {
            let f = info.fields.iter().find(|f| {
                let s = values::share(Expect::PipeKind, f);
                (0.5..0.9).contains(&s) && f.distinct <= 20
            })?;
            let (keep, left): (Vec<_>, Vec<_>) = f
                .values
                .iter()
                .map(|(v, _)| v.as_str())
                .partition(|v| values::pipe_kind(v).is_some());
            (f.name.as_str(), keep, left)
        }
        _ => return None,
    };
    if left.is_empty() || keep.is_empty() {
        return None;
    }
    let ident = if field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !field.starts_with(|c: char| c.is_ascii_digit())
    {
        field.to_string()
    } else {
        format!("\"{}\"", field.replace('"', "\"\""))
    };
    let sql = format!(
        "{ident} IN ({})",
        keep.iter()
            .map(|v| quote_sql(v))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let why = format!(
        "只取 {} 为 {} 的要素，不取 {} (keeps {}; leaves out {})",
        field,
        keep.join(" / "),
        left.iter().take(6).copied().collect::<Vec<_>>().join(" / "),
        keep.join(", "),
        left.iter().take(6).copied().collect::<Vec<_>>().join(", ")
    );
    Some((sql, why))
}

fn plan_layer(
    kind: LayerKind,
    info: &LayerInfo,
    why: Vec<String>,
    ids: &KnownIds,
) -> Result<LayerPlan> {
    let filter = filter_for(kind, info);
    let info = match &filter {
        Some((sql, _)) => inventory::filtered(info, sql)?,
        None => info.clone(),
    };
    let fields = fields::decide(kind, &info, ids);
    let mut value_maps = BTreeMap::new();
    let mut scale = BTreeMap::new();
    for (name, d) in &fields {
        let Decision::Taken(c) = d else { continue };
        let Some(f) = info.field(&c.source) else {
            continue;
        };
        let e = words::expect(kind, name);
        let m = values::map(e, f);
        if !m.is_empty() {
            value_maps.insert(*name, m);
        }
        if matches!(e, Expect::Number(..))
            && let Some(s) = unit_scale(&c.source)
        {
            scale.insert(*name, s);
        }
    }
    let crs = info
        .crs
        .is_none()
        .then(|| coords::guess_crs(info.extent))
        .filter(|_| info.shape != inventory::Shape::None);
    Ok(LayerPlan {
        kind,
        info,
        why,
        fields,
        values: value_maps,
        scale,
        filter,
        crs,
        coords: None,
        offset_note: None,
    })
}

/// The ids of each layer decided, from its id field's sampled values.
fn ids_of(plans: &[LayerPlan]) -> KnownIds {
    plans
        .iter()
        .filter_map(|p| {
            let id = p.kind.id_field()?;
            let Some(Decision::Taken(c)) = p.fields.get(id) else {
                return None;
            };
            let f = p.info.field(&c.source)?;
            Some((p.kind, f.values.iter().map(|(v, _)| v.clone()).collect()))
        })
        .collect()
}

fn decide_layers(inventory: &[LayerInfo], ids: &KnownIds) -> Result<(Vec<LayerPlan>, Vec<Tie>)> {
    let decided = layers::decide(inventory, ids);
    let mut plans = Vec::new();
    let mut ties = Vec::new();
    for (kind, d) in decided {
        match d {
            LayerDecision::Taken(c) => {
                plans.push(plan_layer(kind, &inventory[c.source], c.why, ids)?)
            }
            LayerDecision::Tie(cs) => ties.push((
                kind,
                cs.iter()
                    .map(|c| (inventory[c.source].place(), c.score))
                    .collect(),
            )),
            LayerDecision::Missing => {}
        }
    }
    Ok((plans, ties))
}

/// Look at every layer of `folder` and decide the mapping.
pub fn plan(folder: &Path) -> Result<Plan> {
    let (inventory, unreadable) = inventory::folder(folder)?;
    // Twice: the second time with the ids of the layers the first decided, so that
    // fields naming another layer's features (an outfall's plant) are found by value.
    let (first, _) = decide_layers(&inventory, &KnownIds::new())?;
    let ids = ids_of(&first);
    let (mut plans, ties) = decide_layers(&inventory, &ids)?;
    offsets(&mut plans)?;
    table_crs::propose(&mut plans)?;
    let used: Vec<String> = plans
        .iter()
        .map(|p| format!("{}\u{0}{}", p.info.dataset, p.info.layer))
        .collect();
    let unused = inventory
        .iter()
        .filter(|l| !used.contains(&format!("{}\u{0}{}", l.dataset, l.layer)))
        .map(|l| format!("{} ({}, {} features)", l.place(), l.shape.label(), l.count))
        .collect();
    Ok(Plan {
        folder: folder.display().to_string(),
        layers: plans,
        ties,
        unused,
        unreadable,
    })
}

/// The offset test for every point layer in lon/lat, against the pipes.
fn offsets(plans: &mut [LayerPlan]) -> Result<()> {
    let params = crate::project::Project::defaults(Path::new(".")).params;
    let Some(pipes) = plans
        .iter()
        .find(|p| p.kind == LayerKind::Pipes)
        .map(|p| p.info.clone())
    else {
        return Ok(());
    };
    for p in plans.iter_mut() {
        let lonlat = p.info.geographic
            || (p.info.crs.is_none() && matches!(&p.crs, Some(Ok((c, _))) if c == "EPSG:4490"));
        if p.info.shape != inventory::Shape::Point || !lonlat {
            continue;
        }
        let outfalls = p.kind == LayerKind::Outfalls;
        let within = if outfalls {
            params.outfall_match_m
        } else {
            params.coverage_m
        };
        let Some(t) = coords::offset_test(&pipes, &p.info, outfalls, within)? else {
            continue;
        };
        let (zh, en) = if outfalls {
            ("管段下游端", "a pipe's downstream end")
        } else {
            ("管线", "a pipe")
        };
        let figures = format!(
            "{} 个点中距{zh} {within} m 以内的：原样 {:.0}%，按 GCJ-02 纠偏后 {:.0}%，按 BD-09 纠偏后 {:.0}%；原样距离中位数 {:.0} m (of {} points, within {within} m of {en}: as is {:.0}%, from GCJ-02 {:.0}%, from BD-09 {:.0}%; median distance as is {:.0} m)",
            t.points,
            t.as_is * 100.0,
            t.gcj02 * 100.0,
            t.bd09 * 100.0,
            t.median_m,
            t.points,
            t.as_is * 100.0,
            t.gcj02 * 100.0,
            t.bd09 * 100.0,
            t.median_m
        );
        match t.proposal() {
            Some(tag) => p.coords = Some((tag, figures)),
            None => p.offset_note = Some(figures),
        }
    }
    Ok(())
}
