//! `summary.json`: counts per problem code, per deadline and per cluster; what was loaded
//! from where; load findings; and the run's parameters and schedule, so a result can be
//! reproduced and defended.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::contract::{CampaignStatus, ProblemCode, ReadinessGroup};
use crate::model::FindingKind;
use crate::outcome::Outcome;
use crate::readiness::json::round2;

/// Wall time of each stage, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub load_ms: u128,
    pub analyze_ms: u128,
    pub write_ms: u128,
}

pub fn summary(o: Outcome, timings: &Timings) -> Value {
    let (loaded, analysis, readiness) = (o.loaded, o.analysis, o.readiness);
    let layers = &loaded.layers;
    let mut by_code: BTreeMap<&str, usize> =
        ProblemCode::ALL.iter().map(|c| (c.as_str(), 0)).collect();
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &analysis.problems {
        *by_code.entry(p.code.as_str()).or_default() += 1;
        *by_severity.entry(p.severity.as_str()).or_default() += 1;
    }

    let mut by_deadline: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_cluster = serde_json::Map::new();
    for (i, (c, r)) in layers.clusters.iter().zip(&analysis.clusters).enumerate() {
        let problems = readiness.problem_count(i);
        let entry = by_deadline.entry(r.deadline.clone()).or_default();
        entry.0 += 1;
        entry.1 += problems;
        let scored = readiness.clusters[i].as_ref();
        by_cluster.insert(
            c.id.clone(),
            json!({
                "name": c.name,
                "deadline": r.deadline,
                "deadline_reason": r.deadline_reason,
                "in_corridor": r.corridor.in_corridor,
                "enterprise_count": r.enterprise_count,
                "problems": problems,
                "by_code": readiness.problem_counts[i].iter().map(|(k, v)| (k.as_str(), *v)).collect::<BTreeMap<_, _>>(),
                "score": scored.map(|s| round2(s.score)),
                "ready": scored.map(|s| s.ready),
                "veto": scored.map(|s| !s.veto.is_empty()),
                "actions_to_ready": scored.and_then(|s| s.actions_to_ready()),
                "unanswered_count": scored.map(|s| s.unanswered.len()),
            }),
        );
    }
    let scored: Vec<&crate::readiness::ClusterReadiness> =
        readiness.clusters.iter().flatten().collect();
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
                crate::contract::LayerKind::Inspections => layers.inspections.len(),
                crate::contract::LayerKind::Manholes => layers.manholes.len(),
                crate::contract::LayerKind::Districts => layers.districts.len(),
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
    let warnings = crate::analysis::warnings::warnings(loaded);
    notes.extend(warnings.iter().map(|w| w.message.clone()));
    if readiness.rubric.provisional {
        notes.push(
            "scores use zdz's provisional rubric (暂行): the official 评分细则 was not available"
                .into(),
        );
    }

    json!({
        "zdz_version": env!("CARGO_PKG_VERSION"),
        "workspace": loaded.origin,
        "working_crs": loaded.working_crs,
        "params": loaded.project.params,
        "corridor": loaded.project.corridor,
        "deadline_rules": loaded.project.deadlines,
        "layers": layer_reports,
        // Where the clusters stand in the campaign as of a date, the overdue named.
        "campaign": {
            "as_of": o.campaign.as_of.to_string(),
            "counts": CampaignStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), json!(o.campaign.clusters.iter().filter(|c| *c == s).count())))
                .collect::<serde_json::Map<_, _>>(),
            "overdue": loaded.layers.clusters.iter().zip(&o.campaign.clusters)
                .filter(|(_, s)| **s == CampaignStatus::Overdue)
                .map(|(c, _)| c.id.as_str())
                .collect::<Vec<_>>(),
        },
        // Every in-scope cluster in exactly one group: the values add up to the in-scope count.
        "readiness_groups": readiness
            .group_counts()
            .into_iter()
            .filter(|(g, _)| g.in_scope())
            .map(|(g, n)| (g.as_str().to_string(), json!(n)))
            .collect::<serde_json::Map<_, _>>(),
        // How each pipe's direction of flow was decided (docs/rules.md, "Flow").
        "flow": layers.flow,
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
            "inspections": layers.inspections.len(),
            "readiness": {
                "in_scope": scored.len(),
                "ready": scored.iter().filter(|r| r.ready).count(),
                "not_ready": scored.iter().filter(|r| !r.ready).count(),
                "vetoed": scored.iter().filter(|r| !r.veto.is_empty()).count(),
                "unreachable": scored.iter().filter(|r| r.group() == ReadinessGroup::Unreachable).count(),
                "one_or_two_actions": scored.iter().filter(|r| r.group() == ReadinessGroup::OneOrTwo).count(),
            },
        },
        "rubric": {
            "name": readiness.rubric.name,
            "provisional": readiness.rubric.provisional,
            "pass_line": readiness.rubric.pass_line,
            "veto": readiness.rubric.veto.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "items": readiness.rubric.items.iter().map(|i| json!({"id": i.id, "name_zh": i.name_zh, "points": i.points})).collect::<Vec<_>>(),
        },
        "ledger": o.ledger.map(|l| json!({
            "location": l.location,
            "run_id": l.run.run_id,
            "new": l.run.new.len(),
            "recurred": l.run.recurred.len(),
            "not_detected": l.run.not_detected.len(),
            "detected_again": l.run.detected_again.len(),
            "dismissed_left_out": readiness.excluded.len(),
            "by_status": crate::ledger::status::Status::ALL.iter().map(|s| (s.as_str(), l.entries.values().filter(|e| e.status == *s).count())).collect::<BTreeMap<_, _>>(),
        })),
        "rules_ran": analysis.rules_ran.iter().map(|(c, r)| (c.as_str(), *r)).collect::<BTreeMap<_, _>>(),
        "findings": findings,
        "notes": notes,
        "warnings": warnings,
        "timings_ms": timings,
        "phases_ms": crate::timing::take()
            .into_iter()
            .map(|(name, ms)| (name, Value::from(ms as u64)))
            .collect::<serde_json::Map<_, _>>(),
    })
}
