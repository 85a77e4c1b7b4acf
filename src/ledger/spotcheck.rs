//! The city's spot checks (现场核实抽查): a reproducible sample of clusters' outfalls,
//! enterprises and closed problems (the same seed draws the same sample), weighted toward
//! storm outfalls and toward problems that have come back before; kept in the ledger with
//! the results the field team brings back (`zdz ledger import` of the filled sheet), where
//! a failed check of a closed problem reopens it.

use crate::contract::import_skips::SkipReason;
use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::View;
use super::entry::join_list;
use super::status::Status;
use super::store::{Store, Val, insert_rows, with};
use crate::analysis::Analysis;
use crate::load::Loaded;
use crate::model::OutfallKind;

/// What an item of a spot check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Outfall,
    Enterprise,
    ClosedProblem,
}

impl Kind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Outfall => "排口",
            Kind::Enterprise => "企业",
            Kind::ClosedProblem => "已销号问题",
        }
    }

    pub fn from_label(s: &str) -> Option<Kind> {
        [Kind::Outfall, Kind::Enterprise, Kind::ClosedProblem]
            .into_iter()
            .find(|k| k.label_zh() == s.trim())
    }
}

/// One thing to check on site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub kind: Kind,
    pub cluster_id: String,
    /// The outfall's or enterprise's id, or the feature the problem is about.
    pub feature_id: String,
    /// The closed problem, for that kind.
    pub problem_id: Option<String>,
    /// What the field team reads: a name, or the problem's type.
    pub label: String,
    /// How much more likely it is drawn than a plain item.
    pub weight: f64,
}

/// How many of each kind to draw per cluster.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub outfalls: usize,
    pub enterprises: usize,
    pub closed: usize,
}

/// Every candidate of `cluster_ids`: their outfalls (storm outfalls weigh 3), enterprises,
/// and closed problems in the ledger (weighing 1 + 2 per recurrence).
pub fn candidates(
    loaded: &Loaded,
    analysis: &Analysis,
    view: &View,
    cluster_ids: &[String],
) -> Vec<Item> {
    let l = &loaded.layers;
    let mut out = Vec::new();
    for (i, c) in l.clusters.iter().enumerate() {
        if !cluster_ids.contains(&c.id) {
            continue;
        }
        for (o, r) in l.outfalls.iter().zip(&analysis.outfalls) {
            if r.cluster == Some(i) {
                out.push(Item {
                    kind: Kind::Outfall,
                    cluster_id: c.id.clone(),
                    feature_id: o.id.clone(),
                    problem_id: None,
                    label: o.name.clone().unwrap_or_else(|| o.id.clone()),
                    weight: if o.kind == Some(OutfallKind::Storm) {
                        3.0
                    } else {
                        1.0
                    },
                });
            }
        }
        for (e, r) in l.enterprises.iter().zip(&analysis.enterprises) {
            if r.cluster == Some(i) {
                out.push(Item {
                    kind: Kind::Enterprise,
                    cluster_id: c.id.clone(),
                    feature_id: e.id.clone(),
                    problem_id: None,
                    label: e.name.clone().unwrap_or_else(|| e.id.clone()),
                    weight: 1.0,
                });
            }
        }
        let mut closed: Vec<_> = view
            .entries
            .values()
            .filter(|e| e.status == Status::Closed && e.cluster_ids.contains(&c.id))
            .collect();
        closed.sort_by(|a, b| a.problem_id.cmp(&b.problem_id));
        for e in closed {
            out.push(Item {
                kind: Kind::ClosedProblem,
                cluster_id: c.id.clone(),
                feature_id: e.feature_id.clone(),
                problem_id: Some(e.problem_id.clone()),
                label: crate::contract::ProblemCode::from_name(&e.code)
                    .map_or(e.code.clone(), |p| p.label_zh().to_string()),
                weight: 1.0 + 2.0 * e.recurrences as f64,
            });
        }
    }
    out
}

/// A weighted sample without replacement (Efraimidis–Spirakis: each item's key is
/// u^(1/weight), the largest keys win) of `counts` per cluster and kind, drawn in a fixed
/// order from `seed`: the same candidates and seed give the same sample.
pub fn draw(mut candidates: Vec<Item>, counts: Counts, seed: u64) -> Vec<Item> {
    candidates.sort_by(|a, b| {
        (&a.cluster_id, a.kind, &a.feature_id, &a.problem_id).cmp(&(
            &b.cluster_id,
            b.kind,
            &b.feature_id,
            &b.problem_id,
        ))
    });
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut groups: BTreeMap<(String, Kind), Vec<(f64, Item)>> = BTreeMap::new();
    for item in candidates {
        let key = rng
            .f64()
            .max(f64::MIN_POSITIVE)
            .powf(1.0 / item.weight.max(1e-9));
        groups
            .entry((item.cluster_id.clone(), item.kind))
            .or_default()
            .push((key, item));
    }
    let mut out = Vec::new();
    for ((_, kind), mut items) in groups {
        let n = match kind {
            Kind::Outfall => counts.outfalls,
            Kind::Enterprise => counts.enterprises,
            Kind::ClosedProblem => counts.closed,
        };
        items.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.extend(items.into_iter().take(n).map(|(_, i)| i));
    }
    out
}

/// Where the workspace of `cluster_id`'s latest recorded run was loaded from.
pub fn workspace_of(store: &dyn Store, cluster_id: &str) -> Result<Option<String>> {
    with(store, |tx| {
        let rows = tx.query(
            "SELECT r.origin FROM runs r JOIN clusters c ON c.last_run = r.run_id WHERE c.cluster_id = $1",
            &[cluster_id.into()],
        )?;
        rows.first()
            .map(|r| r.opt_text("runs", "origin"))
            .transpose()
            .map(Option::flatten)
    })
}

/// Keep a drawn sample; its id.
pub fn record(
    store: &dyn Store,
    seed: u64,
    clusters: &[String],
    items: &[Item],
    by: &str,
    now: &str,
) -> Result<String> {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(format!("{seed}|{}|{now}", clusters.join("|")).as_bytes());
    let id = format!("S{}", &super::hex(&hash)[..10]);
    with(store, |tx| {
        insert_rows(
            tx,
            "INSERT INTO spotchecks (check_id, drawn_at, drawn_by, seed, clusters, items) VALUES ",
            &[vec![
                (&id).into(),
                now.into(),
                by.into(),
                Val::Int(seed as i64),
                join_list(clusters).into(),
                json!(items).to_string().into(),
            ]],
        )?;
        Ok(id.clone())
    })
}

/// The field sheet's name and headers: the XLSX zdz writes and reads back.
pub const SHEET: &str = "抽查";
pub const HEADERS: [&str; 11] = [
    "抽查编号",
    "序号",
    "组团编号",
    "类别",
    "对象编号",
    "问题编号",
    "名称或问题",
    "核查结果",
    "核查人",
    "核查日期",
    "备注",
];
/// The values 核查结果 takes.
pub const PASS: &str = "合格";
pub const FAIL: &str = "不合格";

/// One filled row of the field sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub row: usize,
    pub kind: Kind,
    pub feature_id: String,
    pub problem_id: Option<String>,
    pub passed: bool,
    pub inspector: Option<String>,
    pub date: Option<String>,
    pub note: Option<String>,
}

/// Apply the filled field sheet at `path` by `actor`: each check's results are stored with
/// it, and a closed problem that failed its check is reopened (a change by `actor`, its
/// note saying so). A row of an unknown check, or with a result that is neither 合格 nor
/// 不合格, is skipped and reported; a row not yet filled in changes nothing.
pub fn import(
    store: &dyn Store,
    path: &std::path::Path,
    actor: &super::users::Actor,
    now: &str,
) -> Result<super::import::Report> {
    use super::import::{Report, Skipped};
    use anyhow::Context;
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path)
        .with_context(|| format!("{}: cannot open as an .xlsx workbook", path.display()))?;
    let range = book
        .worksheet_range(SHEET)
        .with_context(|| format!("{}: no {SHEET} sheet", path.display()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|h| {
            h.iter()
                .map(|c| crate::load::survey::cell_text(c).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut report = Report::default();
    let mut by_check: BTreeMap<String, Vec<Checked>> = BTreeMap::new();
    for (i, row) in rows.enumerate() {
        let row_no = i + 2;
        let cell = |name: &str| {
            col(name)
                .and_then(|c| row.get(c))
                .and_then(crate::load::survey::cell_text)
        };
        let (Some(check), Some(feature)) = (cell(HEADERS[0]), cell(HEADERS[4])) else {
            continue;
        };
        let skip = |report: &mut Report, why: SkipReason| {
            report.skipped.push(Skipped {
                row: row_no,
                problem_id: cell(HEADERS[5]).unwrap_or_else(|| feature.clone()),
                why,
            })
        };
        let Some(kind) = cell(HEADERS[3]).as_deref().and_then(Kind::from_label) else {
            skip(
                &mut report,
                SkipReason::CheckKind {
                    column: HEADERS[3].into(),
                },
            );
            continue;
        };
        let passed = match cell(HEADERS[7]).as_deref().map(str::trim) {
            None | Some("") => {
                report.unchanged += 1;
                continue;
            }
            Some(PASS) | Some("pass") => true,
            Some(FAIL) | Some("fail") => false,
            Some(other) => {
                skip(
                    &mut report,
                    SkipReason::CheckResult {
                        column: HEADERS[7].into(),
                        value: other.into(),
                        pass: PASS.into(),
                        fail: FAIL.into(),
                    },
                );
                continue;
            }
        };
        by_check.entry(check).or_default().push(Checked {
            row: row_no,
            kind,
            feature_id: feature,
            problem_id: cell(HEADERS[5]),
            passed,
            inspector: cell(HEADERS[8]),
            date: cell(HEADERS[9]),
            note: cell(HEADERS[10]),
        });
    }
    for (check, results) in by_check {
        let known = with(store, |tx| {
            Ok(tx
                .query(
                    "SELECT check_id FROM spotchecks WHERE check_id = $1",
                    &[(&check).into()],
                )?
                .len())
        })?;
        if known == 0 {
            for r in &results {
                let why = SkipReason::UnknownCheck(check.clone());
                report.skipped.push(Skipped {
                    row: r.row,
                    problem_id: r.feature_id.clone(),
                    why,
                });
            }
            continue;
        }
        with(store, |tx| {
            tx.execute(
                "UPDATE spotchecks SET results = $2, imported_at = $3 WHERE check_id = $1",
                &[
                    (&check).into(),
                    json!(results).to_string().into(),
                    now.into(),
                ],
            )?;
            Ok(())
        })?;
        for r in &results {
            report.applied += 1;
            let Some(problem) = r.problem_id.as_deref().filter(|_| !r.passed) else {
                continue;
            };
            let change = super::change::Change {
                status: Some(Status::Open),
                note: Some(format!(
                    "抽查 {check} 不合格{}",
                    r.note
                        .as_deref()
                        .map(|n| format!("：{n}"))
                        .unwrap_or_default()
                )),
                ..Default::default()
            };
            if let Err(e) = super::change::apply(store, problem, &change, actor, now) {
                let why = SkipReason::CannotReopen {
                    en: e.to_string(),
                    zh: e
                        .downcast_ref::<super::LedgerError>()
                        .map_or_else(|| e.to_string(), |le| le.zh()),
                };
                report.skipped.push(Skipped {
                    row: r.row,
                    problem_id: problem.to_string(),
                    why,
                });
            }
        }
    }
    Ok(report)
}
