//! `summary.json`: counts per problem code, per deadline and per cluster; what was loaded
//! from where; load findings; and the run's parameters and schedule, so a result can be
//! reproduced and defended.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::analysis::Analysis;
use crate::contract::ProblemCode;
use crate::load::Loaded;
use crate::model::FindingKind;

/// Wall time of each stage, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub load_ms: u128,
    pub analyze_ms: u128,
    pub write_ms: u128,
}

pub fn summary(loaded: &Loaded, analysis: &Analysis, timings: &Timings) -> Value {
    let layers = &loaded.layers;
    let mut by_code: BTreeMap<&str, usize> =
        ProblemCode::ALL.iter().map(|c| (c.as_str(), 0)).collect();
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &analysis.problems {
        *by_code.entry(p.code.as_str()).or_default() += 1;
        *by_severity.entry(p.code.severity().as_str()).or_default() += 1;
    }

    let mut by_deadline: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_cluster = serde_json::Map::new();
    for (c, r) in layers.clusters.iter().zip(&analysis.clusters) {
        let problems: usize = r.problem_counts.values().sum();
        let entry = by_deadline.entry(r.deadline.clone()).or_default();
        entry.0 += 1;
        entry.1 += problems;
        by_cluster.insert(
            c.id.clone(),
            json!({
                "name": c.name,
                "deadline": r.deadline,
                "deadline_reason": r.deadline_reason,
                "in_corridor": r.corridor.in_corridor,
                "enterprise_count": r.enterprise_count,
                "problems": problems,
                "by_code": r.problem_counts.iter().map(|(k, v)| (k.as_str(), *v)).collect::<BTreeMap<_, _>>(),
            }),
        );
    }
    let outside = analysis
        .problems
        .iter()
        .filter(|p| p.cluster_id.is_none())
        .count();

    let layer_reports: Vec<Value> = loaded
        .reports
        .iter()
        .map(|r| {
            let used = match r.layer {
                crate::contract::LayerKind::Parks => layers.parks.len(),
                crate::contract::LayerKind::Clusters => layers.clusters.len(),
                crate::contract::LayerKind::Enterprises => layers.enterprises.len(),
                crate::contract::LayerKind::Pipes => layers.pipes.len(),
                crate::contract::LayerKind::Outfalls => layers.outfalls.len(),
                crate::contract::LayerKind::Plants => layers.plants.len(),
                crate::contract::LayerKind::Rivers => layers.rivers.len(),
            };
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            v["features_used"] = json!(used);
            v
        })
        .collect();
    let findings: Vec<_> = layers
        .findings
        .iter()
        .filter(|f| f.kind != FindingKind::Geometry)
        .collect();

    let mut notes = Vec::new();
    for missing in &layers.missing {
        notes.push(format!(
            "no {} layer in the workspace: the rules that need it found nothing",
            missing.name()
        ));
    }
    if !layers.missing.contains(&crate::contract::LayerKind::Rivers)
        && !layers.rivers.iter().any(|r| r.main_stem)
    {
        notes.push(format!(
            "no river feature is named {}: no cluster is along the Yangtze by distance",
            loaded.project.corridor.main_stem.join(" / ")
        ));
    }

    json!({
        "zdz_version": env!("CARGO_PKG_VERSION"),
        "workspace": loaded.origin,
        "working_crs": loaded.working_crs,
        "params": loaded.project.params,
        "corridor": loaded.project.corridor,
        "deadline_rules": loaded.project.deadlines,
        "layers": layer_reports,
        "counts": {
            "problems": analysis.problems.len(),
            "problems_outside_clusters": outside,
            "by_code": by_code,
            "by_severity": by_severity,
            "by_deadline": by_deadline.iter().map(|(d, (c, p))| (d.clone(), json!({"clusters": c, "problems": p}))).collect::<serde_json::Map<_, _>>(),
            "by_cluster": by_cluster,
            "outfalls": analysis.outfalls.len(),
            "outfalls_matched": analysis.outfalls.iter().filter(|o| o.matched.is_some()).count(),
            "outfalls_with_problems": analysis.outfalls.iter().filter(|o| !o.codes.is_empty()).count(),
            "network_nodes": analysis.node_count,
        },
        "findings": findings,
        "notes": notes,
        "timings_ms": timings,
        "phases_ms": crate::timing::take()
            .into_iter()
            .map(|(name, ms)| (name, Value::from(ms as u64)))
            .collect::<serde_json::Map<_, _>>(),
    })
}
