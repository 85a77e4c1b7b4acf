//! A ledger entry (one problem of the 问题清单, as tracked over time) and reading entries
//! back: a filtered list, one entry with its history and evidence.

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::status::Status;
use super::store::{Row, Tx, Val};

/// A list as stored: `|a|b|` (so `LIKE '%|a|%'` finds a member); empty as `||`.
pub fn join_list(items: &[String]) -> String {
    format!("|{}|", items.join("|"))
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub problem_id: String,
    pub code: String,
    pub layer: String,
    pub feature_id: String,
    pub cluster_id: Option<String>,
    pub cluster_ids: Vec<String>,
    pub district: Option<String>,
    pub districts: Vec<String>,
    pub workspace: String,
    pub detail: Option<String>,
    pub status: Status,
    pub detected: bool,
    pub recurrences: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub first_run: i64,
    pub last_run: i64,
    pub due: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: String,
    pub history_count: i64,
}

/// The columns `from_row` reads, in its order.
pub const COLUMNS: &str = "e.problem_id, e.code, e.layer, e.feature_id, e.cluster_id, e.cluster_ids, e.district, e.districts, e.workspace, e.detail, e.status, e.detected, e.recurrences, e.first_seen, e.last_seen, e.first_run, e.last_run, e.due, e.unit, e.measure, e.note, e.version, e.updated_at, (SELECT COUNT(*) FROM history h WHERE h.problem_id = e.problem_id)";

impl Entry {
    pub fn from_row(r: Row) -> Entry {
        let mut it = r.into_iter();
        let mut next = || it.next().unwrap_or(Val::Null);
        let text = |v: Val| v.string().unwrap_or_default();
        Entry {
            problem_id: text(next()),
            code: text(next()),
            layer: text(next()),
            feature_id: text(next()),
            cluster_id: next().string(),
            cluster_ids: split_list(&text(next())),
            district: next().string(),
            districts: split_list(&text(next())),
            workspace: text(next()),
            detail: next().string(),
            status: Status::parse(&text(next())).unwrap_or(Status::Open),
            detected: next().int() == Some(1),
            recurrences: next().int().unwrap_or(0),
            first_seen: text(next()),
            last_seen: text(next()),
            first_run: next().int().unwrap_or(0),
            last_run: next().int().unwrap_or(0),
            due: next().string(),
            unit: next().string(),
            measure: next().string(),
            note: next().string(),
            version: next().int().unwrap_or(0),
            updated_at: text(next()),
            history_count: next().int().unwrap_or(0),
        }
    }

    /// The entry as `zdz ledger list --json` and the API give it.
    pub fn json(&self) -> Value {
        json!({
            "problem_id": self.problem_id,
            "code": self.code,
            "layer": self.layer,
            "feature_id": self.feature_id,
            "cluster_id": self.cluster_id,
            "cluster_ids": self.cluster_ids,
            "district": self.district,
            "status": self.status.as_str(),
            "status_zh": self.status.zh(),
            "detected": self.detected,
            "recurrences": self.recurrences,
            "recurrent": self.recurrences > 0,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "due": self.due,
            "unit": self.unit,
            "measure": self.measure,
            "note": self.note,
            "history_count": self.history_count,
            "version": self.version,
        })
    }

    /// Whether a district's user may see and change it.
    pub fn in_district(&self, district: &str) -> bool {
        self.districts.iter().any(|d| d == district)
    }
}

/// What a list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub cluster: Option<String>,
    pub district: Option<String>,
    pub status: Option<Status>,
    pub code: Option<String>,
}

/// A value as a LIKE pattern that matches it literally (`\` escapes `%`, `_`, `\`).
fn like_literal(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn list(tx: &mut dyn Tx, filter: &Filter) -> Result<Vec<Entry>> {
    let mut sql = format!("SELECT {COLUMNS} FROM entries e WHERE 1 = 1");
    let mut params: Vec<Val> = Vec::new();
    let mut add = |clause: &str, v: Val, params: &mut Vec<Val>| {
        params.push(v);
        sql.push_str(&clause.replace("?", &format!("${}", params.len())));
    };
    // Values are bound, never spliced into the SQL; LIKE's own wildcards in them are
    // escaped, so a cluster named `%` matches only itself.
    if let Some(c) = &filter.cluster {
        add(
            " AND e.cluster_ids LIKE ? ESCAPE '\\'",
            format!("%|{}|%", like_literal(c)).into(),
            &mut params,
        );
    }
    if let Some(d) = &filter.district {
        add(
            " AND e.districts LIKE ? ESCAPE '\\'",
            format!("%|{}|%", like_literal(d)).into(),
            &mut params,
        );
    }
    if let Some(s) = filter.status {
        add(" AND e.status = ?", s.as_str().into(), &mut params);
    }
    if let Some(c) = &filter.code {
        add(" AND e.code = ?", c.into(), &mut params);
    }
    sql.push_str(" ORDER BY COALESCE(e.cluster_id, ''), e.code, e.problem_id");
    Ok(tx
        .query(&sql, &params)?
        .into_iter()
        .map(Entry::from_row)
        .collect())
}

pub fn get(tx: &mut dyn Tx, problem_id: &str) -> Result<Option<Entry>> {
    Ok(tx
        .query(
            &format!("SELECT {COLUMNS} FROM entries e WHERE e.problem_id = $1"),
            &[problem_id.into()],
        )?
        .into_iter()
        .next()
        .map(Entry::from_row))
}

/// One change of an entry, as the history holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub at: String,
    pub by: String,
    pub run_id: Option<i64>,
    pub change: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    pub measure: Option<String>,
    pub unit: Option<String>,
    pub due: Option<String>,
    pub evidence: Option<String>,
}

pub fn history(tx: &mut dyn Tx, problem_id: &str) -> Result<Vec<Change>> {
    let rows = tx.query(
        "SELECT seq, at, by_name, run_id, change, from_status, to_status, note, measure, unit, due, evidence FROM history WHERE problem_id = $1 ORDER BY seq",
        &[problem_id.into()],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().unwrap_or(Val::Null);
            Change {
                seq: next().int().unwrap_or(0),
                at: next().string().unwrap_or_default(),
                by: next().string().unwrap_or_default(),
                run_id: next().int(),
                change: next().string().unwrap_or_default(),
                from_status: next().string(),
                to_status: next().string(),
                note: next().string(),
                measure: next().string(),
                unit: next().string(),
                due: next().string(),
                evidence: next().string(),
            }
        })
        .collect())
}

/// An evidence file listed with an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    pub media_type: String,
    pub added_at: String,
    pub by: String,
}

pub fn evidence(tx: &mut dyn Tx, problem_id: &str) -> Result<Vec<Evidence>> {
    let rows = tx.query(
        "SELECT x.sha256, x.file_name, v.size, v.media_type, x.added_at, x.by_name FROM entry_evidence x JOIN evidence v ON v.sha256 = x.sha256 WHERE x.problem_id = $1 ORDER BY x.added_at, x.sha256",
        &[problem_id.into()],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().unwrap_or(Val::Null);
            Evidence {
                sha256: next().string().unwrap_or_default(),
                file_name: next().string().unwrap_or_default(),
                size: next().int().unwrap_or(0),
                media_type: next().string().unwrap_or_default(),
                added_at: next().string().unwrap_or_default(),
                by: next().string().unwrap_or_default(),
            }
        })
        .collect())
}

/// Append a history row; its number follows the entry's last.
#[allow(clippy::too_many_arguments)]
pub fn record(
    tx: &mut dyn Tx,
    problem_id: &str,
    at: &str,
    by: &str,
    run_id: Option<i64>,
    change: &str,
    from_to: (Option<Status>, Option<Status>),
    fields: [Option<&str>; 5],
) -> Result<()> {
    let seq = super::store::scalar(
        tx,
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM history WHERE problem_id = $1",
        &[problem_id.into()],
    )?
    .and_then(|v| v.int())
    .unwrap_or(1);
    let [note, measure, unit, due, evidence] = fields;
    tx.execute(
        "INSERT INTO history (problem_id, seq, at, by_name, run_id, change, from_status, to_status, note, measure, unit, due, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            problem_id.into(),
            Val::Int(seq),
            at.into(),
            by.into(),
            run_id.into(),
            change.into(),
            from_to.0.map(|s| s.as_str()).into(),
            from_to.1.map(|s| s.as_str()).into(),
            note.into(),
            measure.into(),
            unit.into(),
            due.into(),
            evidence.into(),
        ],
    )?;
    Ok(())
}
