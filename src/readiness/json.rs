//! Readiness as JSON, for `readiness.json`, `/api/clusters/{id}/readiness` and the
//! clusters' columns: each item with its points and what counted, the veto, what is still
//! unanswered, and the plan's actions in words a bureau can act on.

use serde_json::{Value, json};

use super::plan::{Plan, Planned};
use super::score::Counted;
use super::state::{Action, ProblemRef};
use super::{ClusterReadiness, Readiness};
use crate::contract::{LayerKind, manual_field};
use crate::project::Rubric;
use crate::project::rubric::Formula;

/// Points as shown: rounded to hundredths.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A field's Chinese name, for action labels.
fn field_zh(layer: LayerKind, field: &str) -> &'static str {
    if let Some(m) = manual_field(layer, field) {
        return m.label_zh;
    }
    match field {
        "permit_no" => "排污许可证编号",
        "diameter_mm" => "管径",
        "credit_code" => "统一社会信用代码",
        "industry" => "行业类别",
        "wastewater_tpd" => "废水量",
        "receiving_water" => "受纳水体",
        "from_node" => "起点井",
        "to_node" => "终点井",
        _ => "属性",
    }
}

/// One planned action in words, with the feature it is about; `problems` are the
/// cluster's, which its fixes name by index.
pub fn action(cluster_id: &str, problems: &[ProblemRef], planned: &Planned) -> Value {
    let id = planned.feature_id.as_deref().unwrap_or(cluster_id);
    let mut v = match &planned.action {
        Action::Fix(p) => {
            let p = &problems[*p];
            json!({
                "action": "fix_problem",
                "layer": p.layer.name(),
                "feature_id": p.feature_id,
                "problem_id": p.problem_id,
                "code": p.code.as_str(),
                "label_zh": format!("整改 {} ({} {})", p.code.label_zh(), p.layer.label_zh(), p.feature_id),
                "label_en": format!("Fix {} ({} {})", p.code.label_en().to_lowercase(), p.layer.name(), p.feature_id),
            })
        }
        Action::Answer(field) => json!({
            "action": "answer",
            "layer": "clusters",
            "feature_id": cluster_id,
            "fields": [field],
            "label_zh": format!("填报 {}: 是", field_zh(LayerKind::Clusters, field)),
            "label_en": format!("Answer {field} yes for the cluster"),
        }),
        Action::AnswerMember(of, _, fields) => {
            let zh: Vec<&str> = fields.iter().map(|f| field_zh(of.layer(), f)).collect();
            json!({
                "action": "answer_member",
                "layer": of.layer().name(),
                "feature_id": id,
                "fields": fields,
                "label_zh": format!("{} {id}: {} 填报为是", of.layer().label_zh(), zh.join("、")),
                "label_en": format!("Answer {} yes for {} {id}", fields.join(" and "), of.layer().name()),
            })
        }
        Action::GiveField(of, _, field) => json!({
            "action": "give_field",
            "layer": of.layer().name(),
            "feature_id": id,
            "fields": [field],
            "label_zh": format!("补录 {} {id} 的{}", of.layer().label_zh(), field_zh(of.layer(), field)),
            "label_en": format!("Give {} {id} its {field}", of.layer().name()),
        }),
        Action::InspectDry(_) => json!({
            "action": "inspect_dry",
            "layer": "outfalls",
            "feature_id": id,
            "label_zh": format!("晴天排查 排口 {id} (无水)"),
            "label_en": format!("Inspect outfall {id} in dry weather and find it dry"),
        }),
    };
    v["item"] = json!(planned.item.as_deref().unwrap_or("veto"));
    v["points"] = json!(round2(planned.points));
    v
}

fn counted_text(c: &Counted, of: &str) -> String {
    match c {
        Counted::Share { met, of: n } => format!("{met} of {n} {of}"),
        Counted::Deduction { problems } => format!("{problems} problems"),
        Counted::Presence { members } => format!("{members} {of}"),
        Counted::ReceivingPlants { receiving, failing } => {
            format!("{receiving} receiving plants, {failing} failing")
        }
        Counted::Manual { answered, holds } => match (answered, holds) {
            (false, _) => "unanswered".into(),
            (true, true) => "yes".into(),
            (true, false) => "no".into(),
        },
    }
}

/// What an item counted, in Chinese: `13/13 家企业`, `问题 1 项`, `是`.
fn counted_text_zh(c: &Counted, of: &str) -> String {
    use crate::contract::words::{population_zh, yes_no};
    match c {
        Counted::Share { met, of: n } => format!("{met}/{n} {}", population_zh(of)),
        Counted::Deduction { problems } => format!("问题 {problems} 项"),
        Counted::Presence { members } => format!("{members} {}", population_zh(of)),
        Counted::ReceivingPlants { receiving, failing } => {
            format!("接收污水厂 {receiving} 座，其中不达标 {failing} 座")
        }
        Counted::Manual { answered, holds } => match answered {
            false => "待填报".into(),
            true => yes_no(*holds).into(),
        },
    }
}

/// The plan as JSON.
pub fn plan(cluster_id: &str, r: &ClusterReadiness) -> Value {
    match &r.plan {
        Plan::Ready => json!({ "status": "ready", "actions_to_ready": 0, "actions": [] }),
        Plan::Actions {
            actions,
            score_after,
        } => json!({
            "status": "actions",
            "actions_to_ready": actions.len(),
            "score_after": round2(*score_after),
            "actions": actions
                .iter()
                .map(|a| action(cluster_id, &r.problems, a))
                .collect::<Vec<_>>(),
        }),
        Plan::Unreachable { best_score, reason } => json!({
            "status": "unreachable",
            "actions_to_ready": null,
            "best_score": round2(*best_score),
            "reason": reason.said(crate::contract::Lang::En),
            "reason_zh": reason.said(crate::contract::Lang::Zh),
            "actions": [],
        }),
    }
}

/// One cluster's readiness: items with what counted, veto, unanswered, plan.
pub fn cluster(cluster_id: &str, r: &ClusterReadiness, rubric: &Rubric) -> Value {
    let items: Vec<Value> = rubric
        .items
        .iter()
        .zip(&r.items)
        .map(|(item, s)| {
            let of = match &item.formula {
                Formula::Share { of, .. } | Formula::Presence { of } => of.as_str(),
                _ => "",
            };
            json!({
                "id": item.id,
                "dimension": item.dimension,
                "name_zh": item.name_zh,
                "name_en": item.name_en,
                "points": round2(s.points),
                "max": s.max,
                "counted": s.counted,
                "counted_text": counted_text(&s.counted, of),
                "counted_text_zh": counted_text_zh(&s.counted, of),
            })
        })
        .collect();
    json!({
        "cluster_id": cluster_id,
        "in_scope": true,
        "provisional": rubric.provisional,
        "score": round2(r.score),
        "pass_line": rubric.pass_line,
        "ready": r.ready,
        "veto": {
            "vetoed": !r.veto.is_empty(),
            "problems": r.veto,
        },
        "items": items,
        "unanswered_count": r.unanswered.len(),
        "unanswered": r.unanswered,
        "plan": plan(cluster_id, r),
    })
}

/// The rubric as scored with.
pub fn rubric(rubric: &Rubric) -> Value {
    json!({
        "name": rubric.name,
        "provisional": rubric.provisional,
        "note": if rubric.provisional {
            "暂行: the official 评分细则 was not available; these items are zdz's provisional reading; `rubric = \"…toml\"` in zdz.toml replaces them"
        } else {
            "the rubric given by the project file"
        },
        "pass_line": rubric.pass_line,
        "total": rubric.total(),
        "veto": rubric.veto.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "dimensions": rubric.dimensions,
        "items": rubric.items,
    })
}

/// One cluster's entry in `readiness.json` (out-of-scope ones say so).
pub fn document_cluster(
    id: &str,
    deadline: &str,
    r: Option<&ClusterReadiness>,
    rubric: &Rubric,
) -> Value {
    let mut v = match r {
        Some(r) => cluster(id, r, rubric),
        None => json!({ "cluster_id": id, "in_scope": false, "score": null, "ready": null }),
    };
    v["deadline"] = json!(deadline);
    v
}

/// The document's counts of clusters in scope, ready, vetoed and unreachable.
fn counts(readiness: &Readiness) -> Value {
    let scored: Vec<&ClusterReadiness> = readiness.clusters.iter().flatten().collect();
    json!({
        "in_scope": scored.len(),
        "ready": scored.iter().filter(|r| r.ready).count(),
        "vetoed": scored.iter().filter(|r| !r.veto.is_empty()).count(),
        "unreachable": scored.iter().filter(|r| r.actions_to_ready().is_none()).count(),
    })
}

/// `readiness.json` as one value: the rubric and every cluster (out-of-scope ones say so).
/// The file is written by `write_document`, which gives these bytes without holding them
/// all; this is the definition it is tested against.
pub fn document(cluster_ids: &[&str], deadlines: &[&str], readiness: &Readiness) -> Value {
    let clusters: Vec<Value> = cluster_ids
        .iter()
        .zip(deadlines)
        .zip(&readiness.clusters)
        .map(|((id, deadline), r)| document_cluster(id, deadline, r.as_ref(), &readiness.rubric))
        .collect();
    json!({
        "rubric": rubric(&readiness.rubric),
        "counts": counts(readiness),
        "clusters": clusters,
    })
}

/// Clusters made into JSON at once while `readiness.json` is written.
const CHUNK_CLUSTERS: usize = 1024;

/// `v` pretty-printed as it would stand `depth` levels down in a pretty-printed document:
/// its lines after the first indented by two spaces a level. A newline in JSON text is
/// always escaped, so every raw newline is a line break.
fn pretty_at(v: &Value, depth: usize) -> serde_json::Result<Vec<u8>> {
    let text = serde_json::to_vec_pretty(v)?;
    let indent = 2 * depth;
    let mut out = Vec::with_capacity(text.len() + text.len() / 16 * indent);
    for line in text.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(line);
        if line.ends_with(b"\n") {
            out.extend(std::iter::repeat_n(b' ', indent));
        }
    }
    Ok(out)
}

/// Write `readiness.json` to `w`: what `document` gives, pretty-printed, byte for byte,
/// but made a chunk of clusters at a time on every core and written as it goes, never
/// held whole (at national scale the whole document was 0.4 GB of JSON values).
pub fn write_document(
    w: &mut dyn std::io::Write,
    cluster_ids: &[&str],
    deadlines: &[&str],
    readiness: &Readiness,
) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let n = cluster_ids
        .len()
        .min(deadlines.len())
        .min(readiness.clusters.len());
    w.write_all(b"{\n  \"clusters\": [")?;
    for first in (0..n).step_by(CHUNK_CLUSTERS) {
        let chunk: Vec<Vec<u8>> = (first..(first + CHUNK_CLUSTERS).min(n))
            .into_par_iter()
            .map(|i| {
                let v = document_cluster(
                    cluster_ids[i],
                    deadlines[i],
                    readiness.clusters[i].as_ref(),
                    &readiness.rubric,
                );
                pretty_at(&v, 2)
            })
            .collect::<serde_json::Result<_>>()?;
        for (k, text) in chunk.iter().enumerate() {
            w.write_all(if first + k == 0 {
                b"\n    "
            } else {
                b",\n    "
            })?;
            w.write_all(text)?;
        }
    }
    w.write_all(if n == 0 { b"],\n" } else { b"\n  ],\n" })?;
    w.write_all(b"  \"counts\": ")?;
    w.write_all(&pretty_at(&counts(readiness), 1)?)?;
    w.write_all(b",\n  \"rubric\": ")?;
    w.write_all(&pretty_at(&rubric(&readiness.rubric), 1)?)?;
    w.write_all(b"\n}")?;
    Ok(())
}
