//! Acceptance (验收) and 销号 of a cluster. The district bureau and its enforcement team
//! score a cluster on the 评分细则; zdz records that official score beside its own (kept
//! for every cluster at every run), refuses it while zdz's latest run detects a veto problem
//! in the cluster (a city user may override, with a reason), lists the problems still open
//! as 遗留问题, and keeps the problems detected then, so that a later run's new finding puts
//! the accepted cluster under 回头看 (`campaign`).

use crate::contract::InvalidInput;
use crate::contract::refusals::Refusal;
use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::LedgerError;
use super::change::{EvidenceFile, store_evidence};
use super::entry::{join_list, like_literal, split_list};
use super::store::{Columns, Row, Store, Tx, Val, insert_rows, scalar, with};
use super::users::{Actor, Role};

/// The acceptances table's columns: its SELECT, INSERT and decoding are built from this list.
pub const ACCEPTANCES: Columns = Columns {
    table: "acceptances",
    names: &[
        "cluster_id",
        "seq",
        "accepted_on",
        "score",
        "items",
        "by_name",
        "recorded_by",
        "recorded_at",
        "evidence",
        "note",
        "override_reason",
        "zdz_score",
        "zdz_items",
        "veto",
        "remaining",
        "detected",
        "run_id",
    ],
};

/// One recorded acceptance of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptance {
    pub cluster_id: String,
    pub seq: i64,
    /// The date of the acceptance (验收日期).
    pub accepted_on: String,
    /// The official score.
    pub score: f64,
    /// The official points per rubric item, where given.
    pub items: BTreeMap<String, f64>,
    /// Who scored (the official).
    pub by: String,
    /// Who recorded it in the ledger.
    pub recorded_by: String,
    pub recorded_at: String,
    /// The SHA-256 of the 验收意见 document, when one was attached.
    pub evidence: Option<String>,
    pub note: Option<String>,
    /// Why a city user recorded it although a veto problem was detected.
    pub override_reason: Option<String>,
    /// zdz's score and items at its latest run before the acceptance.
    pub zdz_score: Option<f64>,
    pub zdz_items: BTreeMap<String, f64>,
    /// The veto problems detected then (recorded only with an override).
    pub veto: Vec<String>,
    /// 遗留问题: the cluster's problems still open then.
    pub remaining: Vec<String>,
    /// The problems zdz's latest run detected then.
    pub detected: Vec<String>,
    pub run_id: Option<i64>,
}

/// Points per item as stored: a JSON object.
fn items_from(text: Option<String>) -> BTreeMap<String, f64> {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn number(table: &str, column: &str, text: &str) -> Result<f64> {
    text.parse().map_err(|_| {
        anyhow::anyhow!("ledger table {table}, column {column}: `{text}` is not a number")
    })
}

impl Acceptance {
    fn from_row(r: &Row) -> Result<Acceptance> {
        let t = ACCEPTANCES.table;
        Ok(Acceptance {
            cluster_id: r.text(t, "cluster_id")?,
            seq: r.int(t, "seq")?,
            accepted_on: r.text(t, "accepted_on")?,
            score: number(t, "score", &r.text(t, "score")?)?,
            items: items_from(Some(r.text(t, "items")?)),
            by: r.text(t, "by_name")?,
            recorded_by: r.text(t, "recorded_by")?,
            recorded_at: r.text(t, "recorded_at")?,
            evidence: r.opt_text(t, "evidence")?,
            note: r.opt_text(t, "note")?,
            override_reason: r.opt_text(t, "override_reason")?,
            zdz_score: r
                .opt_text(t, "zdz_score")?
                .map(|s| number(t, "zdz_score", &s))
                .transpose()?,
            zdz_items: items_from(r.opt_text(t, "zdz_items")?),
            veto: split_list(&r.text(t, "veto")?),
            remaining: split_list(&r.text(t, "remaining")?),
            detected: split_list(&r.text(t, "detected")?),
            run_id: r.opt_int(t, "run_id")?,
        })
    }

    /// Its values in the order of `ACCEPTANCES`.
    fn values(&self) -> Vec<Val> {
        let items = |m: &BTreeMap<String, f64>| json!(m).to_string();
        vec![
            (&self.cluster_id).into(),
            Val::Int(self.seq),
            (&self.accepted_on).into(),
            self.score.to_string().into(),
            items(&self.items).into(),
            (&self.by).into(),
            (&self.recorded_by).into(),
            (&self.recorded_at).into(),
            self.evidence.clone().into(),
            self.note.clone().into(),
            self.override_reason.clone().into(),
            self.zdz_score.map(|s| s.to_string()).into(),
            items(&self.zdz_items).into(),
            join_list(&self.veto).into(),
            join_list(&self.remaining).into(),
            join_list(&self.detected).into(),
            self.run_id.into(),
        ]
    }

    /// Whether it accepts the cluster: an official score at or above `pass_line`.
    pub fn passes(&self, pass_line: f64) -> bool {
        self.score >= pass_line
    }

    /// The items whose official points differ from zdz's: (item, official, zdz).
    pub fn differing_items(&self) -> Vec<(String, f64, Option<f64>)> {
        self.items
            .iter()
            .filter(|(k, v)| self.zdz_items.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), *v, self.zdz_items.get(k).copied()))
            .collect()
    }

    /// As `zdz ledger accept` and the API show it.
    pub fn json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        v["differing_items"] = json!(
            self.differing_items()
                .into_iter()
                .map(
                    |(item, official, zdz)| json!({"item": item, "official": official, "zdz": zdz})
                )
                .collect::<Vec<_>>()
        );
        v
    }
}

/// An acceptance to record.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub cluster_id: String,
    /// YYYY-MM-DD.
    pub accepted_on: String,
    pub score: f64,
    pub items: BTreeMap<String, f64>,
    /// Who scored (the official).
    pub by: String,
    pub evidence: Option<EvidenceFile>,
    pub note: Option<String>,
    /// Record it although a veto problem is detected (city role), and why.
    pub override_reason: Option<String>,
}

/// A cluster as the ledger knows it from the latest run that saw it.
struct Known {
    district: Option<String>,
    score: Option<f64>,
    items: BTreeMap<String, f64>,
    veto: Vec<String>,
    run_id: i64,
}

fn known_cluster(tx: &mut dyn Tx, cluster_id: &str) -> Result<Option<Known>> {
    let t = "clusters";
    tx.query(
        "SELECT district, score, items, veto, last_run FROM clusters WHERE cluster_id = $1",
        &[cluster_id.into()],
    )?
    .first()
    .map(|r| {
        Ok(Known {
            district: r.opt_text(t, "district")?,
            score: r
                .opt_text(t, "score")?
                .map(|s| number(t, "score", &s))
                .transpose()?,
            items: items_from(r.opt_text(t, "items")?),
            veto: split_list(&r.opt_text(t, "veto")?.unwrap_or_default()),
            run_id: r.int(t, "last_run")?,
        })
    })
    .transpose()
}

/// Who may record an acceptance of a cluster in `district`: the city for any cluster, a
/// district user for its own district's.
pub(crate) fn may_accept(
    actor: &Actor,
    cluster_id: &str,
    district: Option<&str>,
) -> Result<(), LedgerError> {
    match actor.role {
        Role::City => Ok(()),
        Role::District if actor.district.is_some() && actor.district.as_deref() == district => {
            Ok(())
        }
        Role::District => Err(LedgerError::Forbidden(format!(
            "{} ({}) may record acceptances only of clusters in its district; {cluster_id} is in {}",
            actor.name,
            actor.district.as_deref().unwrap_or("no district"),
            district.unwrap_or("no district")
        ))),
        Role::Viewer => Err(LedgerError::Forbidden(format!(
            "{} is a viewer: the ledger is read-only for viewers",
            actor.name
        ))),
    }
}

/// Which of a cluster's entries: those still open, or those the latest run detects.
#[derive(Clone, Copy)]
enum Which {
    Open,
    Detected,
}

/// The cluster's entries of one kind, by id.
fn entries_of(tx: &mut dyn Tx, cluster_id: &str, which: Which) -> Result<Vec<String>> {
    let pattern = format!("%|{}|%", like_literal(cluster_id));
    let sql = match which {
        Which::Open => {
            "SELECT problem_id FROM entries WHERE cluster_ids LIKE $1 ESCAPE '\\' AND status NOT IN ('closed', 'dismissed') ORDER BY problem_id"
        }
        Which::Detected => {
            "SELECT problem_id FROM entries WHERE cluster_ids LIKE $1 ESCAPE '\\' AND detected = 1 ORDER BY problem_id"
        }
    };
    tx.query(sql, &[pattern.into()])?
        .iter()
        .map(|r| r.text("entries", "problem_id"))
        .collect()
}

/// Record `req` by `actor` at time `now`: refused for a cluster no run has seen, for a
/// date or score that is not one, and while zdz's latest run detects a veto problem in the
/// cluster unless a city user overrides it with a reason.
pub fn record(store: &dyn Store, actor: &Actor, req: &Request, now: &str) -> Result<Acceptance> {
    if chrono::NaiveDate::parse_from_str(&req.accepted_on, "%Y-%m-%d").is_err() {
        return Err(
            LedgerError::Invalid(InvalidInput::AcceptanceDate(req.accepted_on.clone())).into(),
        );
    }
    if !(0.0..=100.0).contains(&req.score) {
        return Err(LedgerError::Invalid(InvalidInput::Score(req.score)).into());
    }
    if let Some((item, _)) = req.items.iter().find(|(_, v)| !(0.0..=100.0).contains(*v)) {
        return Err(LedgerError::Invalid(InvalidInput::ItemPoints(item.clone())).into());
    }
    with(store, |tx| {
        let id = &req.cluster_id;
        let Some(known) = known_cluster(tx, id)? else {
            return Err(LedgerError::NotFound(format!(
                "no cluster {id} in the ledger: record a run of its workspace first (zdz analyze --ledger)"
            ))
            .into());
        };
        may_accept(actor, id, known.district.as_deref())?;
        let override_reason = req
            .override_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if !known.veto.is_empty() {
            match (override_reason, actor.role) {
                (Some(_), Role::City) => {}
                (Some(_), _) => {
                    return Err(LedgerError::Forbidden(format!(
                        "{} may not override a veto: only a city user may",
                        actor.name
                    ))
                    .into());
                }
                (None, _) => {
                    return Err(LedgerError::Blocked(Refusal::VetoDetected {
                        cluster: id.clone(),
                        run: known.run_id,
                        veto: known.veto.clone(),
                    })
                    .into());
                }
            }
        }
        let evidence = req
            .evidence
            .as_ref()
            .map(|f| store_evidence(tx, f))
            .transpose()?;
        let seq = scalar(
            tx,
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM acceptances WHERE cluster_id = $1",
            &[id.into()],
        )?
        .and_then(|v| v.int())
        .unwrap_or(1);
        let a = Acceptance {
            cluster_id: id.clone(),
            seq,
            accepted_on: req.accepted_on.clone(),
            score: req.score,
            items: req.items.clone(),
            by: req.by.clone(),
            recorded_by: actor.name.clone(),
            recorded_at: now.to_string(),
            evidence,
            note: req.note.clone(),
            override_reason: override_reason.map(str::to_string),
            zdz_score: known.score,
            zdz_items: known.items,
            veto: known.veto,
            remaining: entries_of(tx, id, Which::Open)?,
            detected: entries_of(tx, id, Which::Detected)?,
            run_id: Some(known.run_id),
        };
        insert_rows(tx, &ACCEPTANCES.insert_head(), &[a.values()])?;
        Ok(a)
    })
}

/// Keep `file` as the opinion document (验收意见) of `cluster_id`'s latest acceptance, for
/// one who may record its acceptances; the acceptance as it now is.
pub fn attach_evidence(
    store: &dyn Store,
    actor: &Actor,
    cluster_id: &str,
    file: &EvidenceFile,
) -> Result<Acceptance> {
    with(store, |tx| {
        let Some(known) = known_cluster(tx, cluster_id)? else {
            return Err(
                LedgerError::NotFound(format!("no cluster {cluster_id} in the ledger")).into(),
            );
        };
        may_accept(actor, cluster_id, known.district.as_deref())?;
        let Some(mut latest) = latest(tx)?.remove(cluster_id) else {
            return Err(LedgerError::NotFound(format!(
                "no acceptance of {cluster_id} recorded: record it first"
            ))
            .into());
        };
        let sha = store_evidence(tx, file)?;
        tx.execute(
            "UPDATE acceptances SET evidence = $3 WHERE cluster_id = $1 AND seq = $2",
            &[cluster_id.into(), Val::Int(latest.seq), (&sha).into()],
        )?;
        latest.evidence = Some(sha);
        Ok(latest)
    })
}

/// Every acceptance of `cluster_id`, oldest first.
pub fn history(store: &dyn Store, cluster_id: &str) -> Result<Vec<Acceptance>> {
    with(store, |tx| {
        let columns = ACCEPTANCES.select(None);
        tx.query(
            &format!("SELECT {columns} FROM acceptances WHERE cluster_id = $1 ORDER BY seq"),
            &[cluster_id.into()],
        )?
        .iter()
        .map(Acceptance::from_row)
        .collect()
    })
}

/// zdz's score of each cluster at the first run that scored it.
pub fn first_scores(tx: &mut dyn Tx) -> Result<HashMap<String, f64>> {
    let t = "cluster_scores";
    tx.query(
        "SELECT cluster_id, score FROM cluster_scores c WHERE run_id = (SELECT MIN(run_id) FROM cluster_scores d WHERE d.cluster_id = c.cluster_id)",
        &[],
    )?
    .iter()
    .map(|r| Ok((r.text(t, "cluster_id")?, number(t, "score", &r.text(t, "score")?)?)))
    .collect()
}

/// The latest acceptance of every cluster that has one.
pub fn latest(tx: &mut dyn Tx) -> Result<HashMap<String, Acceptance>> {
    let columns = ACCEPTANCES.select(Some("a"));
    let rows = tx.query(
        &format!(
            "SELECT {columns} FROM acceptances a WHERE seq = (SELECT MAX(seq) FROM acceptances b WHERE b.cluster_id = a.cluster_id)"
        ),
        &[],
    )?;
    rows.iter()
        .map(|r| Acceptance::from_row(r).map(|a| (a.cluster_id.clone(), a)))
        .collect()
}

/// zdz's own assessment of one cluster at a run, kept beside the official one.
pub struct Assessment<'a> {
    pub cluster_id: &'a str,
    pub score: Option<f64>,
    pub items: BTreeMap<String, f64>,
    pub veto: Vec<String>,
}

/// Keep zdz's assessment of each cluster of run `run_id`, the latest.
pub fn record_assessments(
    store: &dyn Store,
    run_id: i64,
    assessments: &[Assessment],
) -> Result<()> {
    with(store, |tx| {
        let scores: Vec<Vec<Val>> = assessments
            .iter()
            .filter_map(|a| {
                let score = a.score?;
                Some(vec![
                    a.cluster_id.into(),
                    Val::Int(run_id),
                    score.to_string().into(),
                ])
            })
            .collect();
        insert_rows(
            tx,
            "INSERT INTO cluster_scores (cluster_id, run_id, score) VALUES ",
            &scores,
        )?;
        for a in assessments {
            tx.execute(
                "UPDATE clusters SET score = $2, items = $3, veto = $4 WHERE cluster_id = $1",
                &[
                    a.cluster_id.into(),
                    a.score.map(|s| s.to_string()).into(),
                    json!(a.items).to_string().into(),
                    join_list(&a.veto).into(),
                ],
            )?;
        }
        Ok(())
    })
}
