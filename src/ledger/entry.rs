//! A ledger entry (one problem of the 问题清单, as tracked over time) and reading entries
//! back: a filtered list, one entry with its history and evidence.

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::status::Status;
use super::store::{Columns, Row, Tx, Val};

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

/// The entries table's columns: every SELECT, INSERT and decoding of an entry is built from
/// this one list.
pub const ENTRIES: Columns = Columns {
    table: "entries",
    names: &[
        "problem_id",
        "code",
        "layer",
        "feature_id",
        "cluster_id",
        "cluster_ids",
        "district",
        "districts",
        "workspace",
        "detail",
        "status",
        "detected",
        "recurrences",
        "first_seen",
        "last_seen",
        "first_run",
        "last_run",
        "due",
        "unit",
        "measure",
        "note",
        "version",
        "updated_at",
    ],
};

/// An entry's columns and its number of history rows, as `from_row` reads them.
fn select_entries() -> String {
    let columns = ENTRIES.select(Some("e"));
    format!(
        "SELECT {columns}, (SELECT COUNT(*) FROM history h WHERE h.problem_id = e.problem_id) AS history_count FROM entries e"
    )
}

impl Entry {
    /// An entry decoded by column name; a NULL the schema forbids is an error naming it.
    pub fn from_row(r: &Row) -> Result<Entry> {
        let t = ENTRIES.table;
        let status = r.text(t, "status")?;
        Ok(Entry {
            problem_id: r.text(t, "problem_id")?,
            code: r.text(t, "code")?,
            layer: r.text(t, "layer")?,
            feature_id: r.text(t, "feature_id")?,
            cluster_id: r.opt_text(t, "cluster_id")?,
            cluster_ids: split_list(&r.text(t, "cluster_ids")?),
            district: r.opt_text(t, "district")?,
            districts: split_list(&r.text(t, "districts")?),
            workspace: r.text(t, "workspace")?,
            detail: r.opt_text(t, "detail")?,
            status: Status::parse(&status)
                .map_err(|e| anyhow::anyhow!("ledger table {t}, column status: {e}"))?,
            detected: r.int(t, "detected")? == 1,
            recurrences: r.int(t, "recurrences")?,
            first_seen: r.text(t, "first_seen")?,
            last_seen: r.text(t, "last_seen")?,
            first_run: r.int(t, "first_run")?,
            last_run: r.int(t, "last_run")?,
            due: r.opt_text(t, "due")?,
            unit: r.opt_text(t, "unit")?,
            measure: r.opt_text(t, "measure")?,
            note: r.opt_text(t, "note")?,
            version: r.int(t, "version")?,
            updated_at: r.text(t, "updated_at")?,
            history_count: r.opt_int(t, "history_count")?.unwrap_or(0),
        })
    }

    /// The entry's values in the order of `ENTRIES`, for an INSERT.
    pub fn values(&self) -> Vec<Val> {
        vec![
            (&self.problem_id).into(),
            (&self.code).into(),
            (&self.layer).into(),
            (&self.feature_id).into(),
            self.cluster_id.clone().into(),
            join_list(&self.cluster_ids).into(),
            self.district.clone().into(),
            join_list(&self.districts).into(),
            (&self.workspace).into(),
            self.detail.clone().into(),
            self.status.as_str().into(),
            Val::Int(self.detected as i64),
            Val::Int(self.recurrences),
            (&self.first_seen).into(),
            (&self.last_seen).into(),
            Val::Int(self.first_run),
            Val::Int(self.last_run),
            self.due.clone().into(),
            self.unit.clone().into(),
            self.measure.clone().into(),
            self.note.clone().into(),
            Val::Int(self.version),
            (&self.updated_at).into(),
        ]
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
pub fn like_literal(v: &str) -> String {
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
    let mut sql = select_entries() + " WHERE 1 = 1";
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
    tx.query(&sql, &params)?
        .iter()
        .map(Entry::from_row)
        .collect()
}

pub fn get(tx: &mut dyn Tx, problem_id: &str) -> Result<Option<Entry>> {
    tx.query(
        &(select_entries() + " WHERE e.problem_id = $1"),
        &[problem_id.into()],
    )?
    .first()
    .map(Entry::from_row)
    .transpose()
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

/// The history table's columns: every SELECT, INSERT and decoding of a change is built
/// from this one list.
pub const HISTORY: Columns = Columns {
    table: "history",
    names: &[
        "problem_id",
        "seq",
        "at",
        "by_name",
        "run_id",
        "change",
        "from_status",
        "to_status",
        "note",
        "measure",
        "unit",
        "due",
        "evidence",
    ],
};

impl Change {
    /// A change decoded by column name.
    fn from_row(r: &Row) -> Result<Change> {
        let t = HISTORY.table;
        Ok(Change {
            seq: r.int(t, "seq")?,
            at: r.text(t, "at")?,
            by: r.text(t, "by_name")?,
            run_id: r.opt_int(t, "run_id")?,
            change: r.text(t, "change")?,
            from_status: r.opt_text(t, "from_status")?,
            to_status: r.opt_text(t, "to_status")?,
            note: r.opt_text(t, "note")?,
            measure: r.opt_text(t, "measure")?,
            unit: r.opt_text(t, "unit")?,
            due: r.opt_text(t, "due")?,
            evidence: r.opt_text(t, "evidence")?,
        })
    }
}

/// A history row's values in the order of `HISTORY`.
pub struct HistoryRow<'a> {
    pub problem_id: &'a str,
    pub seq: i64,
    pub at: &'a str,
    pub by: &'a str,
    pub run_id: Option<i64>,
    pub change: &'a str,
    pub from_to: (Option<Status>, Option<Status>),
    /// note, measure, unit, due, evidence.
    pub fields: [Option<&'a str>; 5],
}

impl HistoryRow<'_> {
    pub fn values(&self) -> Vec<Val> {
        let [note, measure, unit, due, evidence] = self.fields;
        vec![
            self.problem_id.into(),
            Val::Int(self.seq),
            self.at.into(),
            self.by.into(),
            self.run_id.into(),
            self.change.into(),
            self.from_to.0.map(|s| s.as_str()).into(),
            self.from_to.1.map(|s| s.as_str()).into(),
            note.into(),
            measure.into(),
            unit.into(),
            due.into(),
            evidence.into(),
        ]
    }
}

pub fn history(tx: &mut dyn Tx, problem_id: &str) -> Result<Vec<Change>> {
    let columns = HISTORY.select(None);
    tx.query(
        &format!("SELECT {columns} FROM history WHERE problem_id = $1 ORDER BY seq"),
        &[problem_id.into()],
    )?
    .iter()
    .map(Change::from_row)
    .collect()
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
    let t = "entry_evidence";
    tx.query(
        "SELECT x.sha256, x.file_name, v.size, v.media_type, x.added_at, x.by_name FROM entry_evidence x JOIN evidence v ON v.sha256 = x.sha256 WHERE x.problem_id = $1 ORDER BY x.added_at, x.sha256",
        &[problem_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(Evidence {
            sha256: r.text(t, "sha256")?,
            file_name: r.text(t, "file_name")?,
            size: r.int(t, "size")?,
            media_type: r.text(t, "media_type")?,
            added_at: r.text(t, "added_at")?,
            by: r.text(t, "by_name")?,
        })
    })
    .collect()
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
    let row = HistoryRow {
        problem_id,
        seq,
        at,
        by,
        run_id,
        change,
        from_to,
        fields,
    };
    super::store::insert_rows(tx, &HISTORY.insert_head(), &[row.values()])?;
    Ok(())
}
