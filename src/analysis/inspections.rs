//! What field inspections say of storm outfalls (晴天不排水、雨天无污水): each outfall's
//! latest dry-weather inspection and latest sampled inspection, and from them
//! DRY_WEATHER_FLOW (the latest dry inspection saw flow) and STORM_OUTFALL_POLLUTED (the
//! latest sample exceeds `storm_cod_mgl` or `storm_nh3n_mgl`). Only the latest counts, so
//! a later clean inspection clears an earlier finding.

use std::collections::HashMap;

use crate::contract::details::Over;
use crate::contract::{Detail, ProblemCode};
use crate::model::{Inspection, Layers, Weather};
use crate::project::Params;

/// The inspections that decide an outfall's inspection rules (indexes into
/// `layers.inspections`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latest {
    /// The latest inspection in dry weather.
    pub dry: Option<usize>,
    /// The latest inspection with a sample (COD or NH3-N measured), in any weather.
    pub sample: Option<usize>,
}

/// The latest inspections of every outfall, by outfall index. An inspection of `YS1`
/// applies to `YS1` or, when there is no such outfall, to its parts `YS1#1`, `YS1#2`.
pub fn latest(layers: &Layers) -> Vec<Latest> {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in layers.outfalls.iter().enumerate() {
        by_id.entry(o.id.as_str()).or_default().push(i);
    }
    let mut parts: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in layers.outfalls.iter().enumerate() {
        if let Some((base, _)) = o.id.split_once('#')
            && !by_id.contains_key(base)
        {
            parts.entry(base).or_default().push(i);
        }
    }
    let mut out = vec![Latest::default(); layers.outfalls.len()];
    let later = |a: &Inspection, b: &Inspection| (a.date, a.seq) > (b.date, b.seq);
    let ins = &layers.inspections;
    for (k, inspection) in ins.iter().enumerate() {
        let id = inspection.outfall_id.as_str();
        let targets = by_id.get(id).or_else(|| parts.get(id));
        for o in targets.into_iter().flatten() {
            let latest = &mut out[*o];
            if inspection.weather == Some(Weather::Dry)
                && latest.dry.is_none_or(|d| later(inspection, &ins[d]))
            {
                latest.dry = Some(k);
            }
            if inspection.sampled() && latest.sample.is_none_or(|s| later(inspection, &ins[s])) {
                latest.sample = Some(k);
            }
        }
    }
    out
}

/// The inspection rules for a storm outfall: each code with the detail that defends it.
pub fn findings(
    latest: &Latest,
    inspections: &[Inspection],
    params: &Params,
) -> Vec<(ProblemCode, Detail)> {
    let mut out = Vec::new();
    if let Some(d) = latest.dry.map(|d| &inspections[d])
        && d.flowing == Some(true)
    {
        out.push((
            ProblemCode::DryWeatherFlow,
            Detail::DryFlow {
                date: d.date_text(),
                row: d.row.clone(),
                inspector: d.inspector.clone(),
            },
        ));
    }
    if let Some(s) = latest.sample.map(|s| &inspections[s]) {
        let mut over = Vec::new();
        if let Some(cod) = s.cod_mgl.filter(|v| *v > params.storm_cod_mgl) {
            over.push(Over {
                what_zh: "COD",
                what_en: "COD",
                value: cod,
                limit: params.storm_cod_mgl,
            });
        }
        if let Some(n) = s.nh3n_mgl.filter(|v| *v > params.storm_nh3n_mgl) {
            over.push(Over {
                what_zh: "氨氮",
                what_en: "NH3-N",
                value: n,
                limit: params.storm_nh3n_mgl,
            });
        }
        if !over.is_empty() {
            out.push((
                ProblemCode::StormOutfallPolluted,
                Detail::Polluted {
                    date: s.date_text(),
                    row: s.row.clone(),
                    over,
                },
            ));
        }
    }
    out
}
