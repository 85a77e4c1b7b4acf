//! Record a run in the ledger and reconcile its problems with the entries, by the stable
//! `problem_id` (issue 12): a new problem becomes an `open` entry due at its cluster's
//! deadline; one found again has its `last_seen` moved on; one a run no longer finds,
//! though its rule ran, is marked not detected (never closed: the data may be
//! incomplete), and a rule that did not run changes nothing; a closed problem found again
//! is reopened and counted as a recurrence (反复). The whole run is one transaction.
//!
//! A problem the run detects is matched to its entry by id wherever the entry was first
//! recorded (the same data delivered again under another file name finds the same ids). A
//! run marks not detected only the entries of its own workspace: those of its clusters,
//! and those without a cluster that the same workspace found. A city-wide ledger fed by
//! each district's workspace keeps every district's entries apart.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::entry::{ENTRIES, Entry, HISTORY, HistoryRow, join_list, split_list};
use super::status::Status;
use super::store::{Store, Tx, Val, for_ids, insert_rows, with};
use crate::analysis::Analysis;
use crate::load::Loaded;

/// One problem of the run, as the ledger keeps it.
#[derive(Debug, Clone)]
pub struct RunProblem {
    pub problem_id: String,
    pub code: String,
    pub layer: String,
    pub feature_id: String,
    pub cluster_ids: Vec<String>,
    pub districts: Vec<String>,
    pub detail: String,
    /// Its cluster's deadline, when that is a date.
    pub due: Option<String>,
}

/// A cluster the run saw: id, name, district, deadline.
#[derive(Debug, Clone)]
pub struct RunCluster {
    pub id: String,
    pub name: Option<String>,
    pub district: Option<String>,
    pub deadline: String,
}

/// Everything a run hands the ledger.
#[derive(Debug, Clone)]
pub struct RunInput {
    pub workspace: String,
    /// Where the workspace was loaded from (a path or a connection string).
    pub origin: String,
    pub fingerprint: String,
    pub params: Value,
    pub rules_ran: BTreeMap<String, bool>,
    pub problems: Vec<RunProblem>,
    pub clusters: Vec<RunCluster>,
}

/// What the reconcile changed, by problem id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    pub new: Vec<String>,
    pub recurred: Vec<String>,
    pub not_detected: Vec<String>,
    pub detected_again: Vec<String>,
}

/// Files up to this size are hashed whole for the fingerprint; larger ones by size, time
/// and their first and last MiB (a national GeoPackage is gigabytes).
const HASH_WHOLE: u64 = 64 * 1024 * 1024;

/// A hash of what the run read: every source file's content (or, for very large ones, its
/// size, modification time, first and last MiB), and the project's settings.
pub fn fingerprint(loaded: &Loaded) -> String {
    let mut h = Sha256::new();
    let mut sources: Vec<&str> = loaded.reports.iter().map(|r| r.source.as_str()).collect();
    sources.sort();
    sources.dedup();
    for s in sources {
        h.update(s.as_bytes());
        let path = Path::new(s);
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        h.update(meta.len().to_le_bytes());
        if meta.len() <= HASH_WHOLE {
            if let Ok(bytes) = std::fs::read(path) {
                h.update(&bytes);
            }
        } else {
            use std::io::{Read, Seek, SeekFrom};
            if let Ok(t) = meta.modified() {
                h.update(format!("{t:?}").as_bytes());
            }
            if let Ok(mut f) = std::fs::File::open(path) {
                let mut buf = vec![0u8; 1 << 20];
                for at in [SeekFrom::Start(0), SeekFrom::End(-(1 << 20))] {
                    if f.seek(at).is_ok() && f.read_exact(&mut buf).is_ok() {
                        h.update(&buf);
                    }
                }
            }
        }
    }
    h.update(format!("{:?}", loaded.project.params).as_bytes());
    super::hex(&h.finalize())
}

impl RunInput {
    /// The run as the ledger records it, from the loaded workspace and its analysis.
    pub fn new(loaded: &Loaded, analysis: &Analysis) -> RunInput {
        let l = &loaded.layers;
        let district = |c: usize| analysis.clusters[c].district.clone();
        let index = crate::analysis::context::by_id(l.clusters.iter().map(|c| c.id.as_str()));
        let is_date = |d: &str| crate::load::values::parse_date(d).is_ok() && d.len() == 10;
        let problems = analysis
            .problems
            .iter()
            .map(|p| {
                let clusters: Vec<usize> = p
                    .cluster_ids
                    .iter()
                    .filter_map(|id| index.get(id.as_str()).copied())
                    .collect();
                let mut districts: Vec<String> =
                    clusters.iter().filter_map(|c| district(*c)).collect();
                districts.sort();
                districts.dedup();
                RunProblem {
                    problem_id: p.problem_id.clone(),
                    code: p.code.as_str().into(),
                    layer: p.layer.name().into(),
                    feature_id: p.feature_id.clone(),
                    cluster_ids: p.cluster_ids.clone(),
                    districts,
                    detail: p.detail.clone(),
                    due: p.deadline.clone().filter(|d| is_date(d)),
                }
            })
            .collect();
        RunInput {
            workspace: workspace_name(loaded),
            // Absolute where it is a path, so that it is found again from any folder.
            origin: std::fs::canonicalize(&loaded.origin)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| loaded.origin.clone()),
            fingerprint: fingerprint(loaded),
            params: serde_json::to_value(loaded.project.params).unwrap_or(Value::Null),
            rules_ran: analysis
                .rules_ran
                .iter()
                .map(|(c, r)| (c.as_str().to_string(), *r))
                .collect(),
            problems,
            clusters: l
                .clusters
                .iter()
                .zip(&analysis.clusters)
                .enumerate()
                .map(|(i, (c, r))| RunCluster {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    district: district(i),
                    deadline: r.deadline.clone(),
                })
                .collect(),
        }
    }
}

/// The name a workspace's runs and entries go under in the ledger: the project's name, else
/// where it was loaded from.
pub fn workspace_name(loaded: &Loaded) -> String {
    loaded
        .project
        .info
        .name
        .clone()
        .unwrap_or_else(|| loaded.origin.clone())
}

/// What the latest run recorded for `workspace` changed, read back from the history; an
/// empty summary with run id 0 when the workspace has no run.
pub fn last_run(tx: &mut dyn Tx, workspace: &str) -> Result<RunSummary> {
    let run_id = tx
        .query(
            "SELECT MAX(run_id) FROM runs WHERE workspace = $1",
            &[workspace.into()],
        )?
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or(0);
    let mut summary = RunSummary {
        run_id,
        ..Default::default()
    };
    if run_id == 0 {
        return Ok(summary);
    }
    for row in tx.query(
        "SELECT problem_id, change FROM history WHERE run_id = $1 ORDER BY problem_id",
        &[run_id.into()],
    )? {
        let (Some(id), Some(change)) = (row[0].string(), row[1].string()) else {
            continue;
        };
        match change.as_str() {
            "new" => summary.new.push(id),
            "recurred" => summary.recurred.push(id),
            "not_detected" => summary.not_detected.push(id),
            "detected_again" => summary.detected_again.push(id),
            _ => {}
        }
    }
    Ok(summary)
}

/// An entry as reconciling needs it.
struct Known {
    status: Status,
    detected: bool,
    code: String,
    cluster_ids: Vec<String>,
    districts: Vec<String>,
    detail: Option<String>,
    workspace: String,
    /// Of the run's workspace or clusters: may be marked not detected by it.
    in_scope: bool,
    seq: i64,
}

/// Record `run` and reconcile it with the ledger, at time `now`, in one transaction.
pub fn reconcile(store: &dyn Store, run: &RunInput, now: &str) -> Result<RunSummary> {
    with(store, |tx| reconcile_in(tx, run, now))
}

/// A history row by `zdz`, to be inserted with the run's others (`store::insert_rows`).
fn history(
    rows: &mut Vec<Vec<Val>>,
    (problem_id, seq): (&str, i64),
    (now, run_id): (&str, i64),
    change: &str,
    from_to: (Option<Status>, Option<Status>),
) {
    let row = HistoryRow {
        problem_id,
        seq,
        at: now,
        by: "zdz",
        run_id: Some(run_id),
        change,
        from_to,
        fields: [None; 5],
    };
    rows.push(row.values());
}

fn reconcile_in(tx: &mut dyn Tx, run: &RunInput, now: &str) -> Result<RunSummary> {
    let run_id = next_run_id(tx)?;
    let known = known_entries(tx, run)?;
    let mut summary = RunSummary {
        run_id,
        ..RunSummary::default()
    };
    // What most problems need is the same statement with other values: new entries, their
    // history and the still-detected ones' `last_seen` go in a few statements at the end.
    let mut histories: Vec<Vec<Val>> = Vec::new();
    match_detected(tx, run, (now, run_id), &known, &mut summary, &mut histories)?;
    mark_not_detected(tx, run, (now, run_id), &known, &mut summary, &mut histories)?;
    insert_rows(tx, &HISTORY.insert_head(), &histories)?;
    record_clusters(tx, run, run_id)?;
    record_run_row(tx, run, now, &summary)?;
    Ok(summary)
}

/// The run's number: the counter's row is locked until commit, so concurrent runs take
/// turns.
fn next_run_id(tx: &mut dyn Tx) -> Result<i64> {
    super::store::scalar(
        tx,
        "UPDATE counters SET value = value + 1 WHERE name = 'run' RETURNING value",
        &[],
    )?
    .and_then(|v| v.int())
    .ok_or_else(|| anyhow::anyhow!("the ledger has no run counter"))
}

/// The entries the run may change: every one it detects, wherever it was first recorded,
/// and every one of its workspace or clusters (`in_scope`).
fn known_entries(tx: &mut dyn Tx, run: &RunInput) -> Result<HashMap<String, Known>> {
    let run_clusters: HashSet<&str> = run.clusters.iter().map(|c| c.id.as_str()).collect();
    let detected_ids: HashSet<&str> = run.problems.iter().map(|p| p.problem_id.as_str()).collect();
    let seqs: HashMap<String, i64> = tx
        .query(
            "SELECT problem_id, MAX(seq) FROM history GROUP BY problem_id",
            &[],
        )?
        .into_iter()
        .filter_map(|r| Some((r[0].string()?, r[1].int()?)))
        .collect();
    let mut known: HashMap<String, Known> = HashMap::new();
    let t = ENTRIES.table;
    for r in tx.query(
        "SELECT problem_id, status, detected, code, cluster_ids, districts, detail, workspace FROM entries",
        &[],
    )? {
        let id = r.text(t, "problem_id")?;
        let cluster_ids = split_list(&r.text(t, "cluster_ids")?);
        let workspace = r.text(t, "workspace")?;
        // A problem id names the same problem whatever file it was read from: one the run
        // detects is known wherever it was first recorded. Scope only decides which of the
        // entries the run does not detect it may mark not detected.
        let in_scope = workspace == run.workspace
            || cluster_ids.iter().any(|c| run_clusters.contains(c.as_str()));
        if !in_scope && !detected_ids.contains(id.as_str()) {
            continue;
        }
        let status = r.text(t, "status")?;
        known.insert(
            id.clone(),
            Known {
                status: Status::parse(&status)
                    .map_err(|e| anyhow::anyhow!("ledger table {t}, column status: {e}"))?,
                detected: r.int(t, "detected")? == 1,
                code: r.text(t, "code")?,
                cluster_ids,
                districts: split_list(&r.text(t, "districts")?),
                detail: r.opt_text(t, "detail")?,
                workspace,
                in_scope,
                seq: seqs.get(&id).copied().unwrap_or(0),
            },
        );
    }

    Ok(known)
}

/// Each problem the run detects: a new entry, a recurrence of a closed one, one detected
/// again, or one still detected.
fn match_detected(
    tx: &mut dyn Tx,
    run: &RunInput,
    (now, run_id): (&str, i64),
    known: &HashMap<String, Known>,
    summary: &mut RunSummary,
    histories: &mut Vec<Vec<Val>>,
) -> Result<()> {
    let mut new_entries: Vec<Vec<Val>> = Vec::new();
    let mut still: Vec<&str> = Vec::new();
    let half = run.problems.len() / 2;
    for (i, p) in run.problems.iter().enumerate() {
        if i == half {
            crate::fault::point("reconcile");
        }
        let at = (now, run_id);
        match known.get(&p.problem_id) {
            None => {
                let entry = Entry {
                    problem_id: p.problem_id.clone(),
                    code: p.code.clone(),
                    layer: p.layer.clone(),
                    feature_id: p.feature_id.clone(),
                    cluster_id: p.cluster_ids.first().cloned(),
                    cluster_ids: p.cluster_ids.clone(),
                    district: p.districts.first().cloned(),
                    districts: p.districts.clone(),
                    workspace: run.workspace.clone(),
                    detail: Some(p.detail.clone()),
                    status: Status::Open,
                    detected: true,
                    recurrences: 0,
                    first_seen: now.into(),
                    last_seen: now.into(),
                    first_run: run_id,
                    last_run: run_id,
                    due: p.due.clone(),
                    unit: None,
                    measure: None,
                    note: None,
                    version: 1,
                    updated_at: now.into(),
                    history_count: 0,
                };
                new_entries.push(entry.values());
                history(
                    histories,
                    (&p.problem_id, 1),
                    at,
                    "new",
                    (None, Some(Status::Open)),
                );
                summary.new.push(p.problem_id.clone());
            }
            Some(k) => {
                let moved = k.cluster_ids != p.cluster_ids
                    || k.districts != p.districts
                    || k.detail.as_deref() != Some(p.detail.as_str())
                    || k.workspace != run.workspace;
                if moved {
                    tx.execute(
                        "UPDATE entries SET cluster_id = $2, cluster_ids = $3, district = $4, districts = $5, detail = $6, workspace = $7 WHERE problem_id = $1",
                        &[
                            (&p.problem_id).into(),
                            p.cluster_ids.first().into(),
                            join_list(&p.cluster_ids).into(),
                            p.districts.first().into(),
                            join_list(&p.districts).into(),
                            (&p.detail).into(),
                            (&run.workspace).into(),
                        ],
                    )?;
                }
                if k.status == Status::Closed {
                    // 反复: closed, and found again.
                    tx.execute(
                        "UPDATE entries SET status = 'open', detected = 1, recurrences = recurrences + 1, last_seen = $2, last_run = $3, version = version + 1, updated_at = $2 WHERE problem_id = $1",
                        &[(&p.problem_id).into(), now.into(), Val::Int(run_id)],
                    )?;
                    history(
                        histories,
                        (&p.problem_id, k.seq + 1),
                        at,
                        "recurred",
                        (Some(Status::Closed), Some(Status::Open)),
                    );
                    summary.recurred.push(p.problem_id.clone());
                } else if !k.detected {
                    tx.execute(
                        "UPDATE entries SET detected = 1, last_seen = $2, last_run = $3, version = version + 1, updated_at = $2 WHERE problem_id = $1",
                        &[(&p.problem_id).into(), now.into(), Val::Int(run_id)],
                    )?;
                    history(
                        histories,
                        (&p.problem_id, k.seq + 1),
                        at,
                        "detected_again",
                        (None, None),
                    );
                    summary.detected_again.push(p.problem_id.clone());
                } else {
                    still.push(&p.problem_id);
                }
            }
        }
    }
    insert_rows(tx, &ENTRIES.insert_head(), &new_entries)?;
    for_ids(
        tx,
        "UPDATE entries SET last_seen = $1, last_run = $2 WHERE problem_id IN ",
        &[now.into(), Val::Int(run_id)],
        &still,
    )?;
    Ok(())
}

/// The entries of the run's scope it no longer finds, where their rule ran: not detected
/// (never closed: the data may be incomplete).
fn mark_not_detected(
    tx: &mut dyn Tx,
    run: &RunInput,
    (now, run_id): (&str, i64),
    known: &HashMap<String, Known>,
    summary: &mut RunSummary,
    histories: &mut Vec<Vec<Val>>,
) -> Result<()> {
    let detected_ids: HashSet<&str> = run.problems.iter().map(|p| p.problem_id.as_str()).collect();
    // Entries of this workspace the run did not find, where their rule ran.
    let mut gone: Vec<(&String, &Known)> = known
        .iter()
        .filter(|(id, k)| {
            k.in_scope
                && !detected_ids.contains(id.as_str())
                && k.detected
                && run.rules_ran.get(&k.code).copied().unwrap_or(false)
        })
        .collect();
    gone.sort_by(|a, b| a.0.cmp(b.0));
    let gone_ids: Vec<&str> = gone.iter().map(|(id, _)| id.as_str()).collect();
    for_ids(
        tx,
        "UPDATE entries SET detected = 0, version = version + 1, updated_at = $1 WHERE problem_id IN ",
        &[now.into()],
        &gone_ids,
    )?;
    for (id, k) in gone {
        history(
            histories,
            (id, k.seq + 1),
            (now, run_id),
            "not_detected",
            (None, None),
        );
        summary.not_detected.push(id.clone());
    }
    Ok(())
}

/// The run's clusters, with their names, districts and deadlines as the run saw them.
fn record_clusters(tx: &mut dyn Tx, run: &RunInput, run_id: i64) -> Result<()> {
    for c in &run.clusters {
        tx.execute(
            "INSERT INTO clusters (cluster_id, name, district, deadline, workspace, last_run) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cluster_id) DO UPDATE SET name = $2, district = $3, deadline = $4, workspace = $5, last_run = $6",
            &[
                (&c.id).into(),
                c.name.clone().into(),
                c.district.clone().into(),
                (&c.deadline).into(),
                (&run.workspace).into(),
                Val::Int(run_id),
            ],
        )?;
    }
    Ok(())
}

/// The run's own row: when, what it read, what it found and changed.
fn record_run_row(tx: &mut dyn Tx, run: &RunInput, now: &str, summary: &RunSummary) -> Result<()> {
    let run_id = summary.run_id;
    tx.execute(
        "INSERT INTO runs (run_id, at, workspace, fingerprint, params, rules_ran, problems, new_count, recurred_count, not_detected_count, zdz_version, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            Val::Int(run_id),
            now.into(),
            (&run.workspace).into(),
            (&run.fingerprint).into(),
            run.params.to_string().into(),
            json!(run.rules_ran).to_string().into(),
            Val::Int(run.problems.len() as i64),
            Val::Int(summary.new.len() as i64),
            Val::Int(summary.recurred.len() as i64),
            Val::Int(summary.not_detected.len() as i64),
            env!("CARGO_PKG_VERSION").into(),
            (&run.origin).into(),
        ],
    )?;
    Ok(())
}
