//! Changing an entry: its status, the measure (整改措施), the responsible unit (责任单位),
//! the due date (完成时限), a note, evidence files. Every change is checked (who may make
//! it, whether the entry changed meanwhile, whether closing is allowed) and written with an
//! append-only history row, in one transaction.

use crate::contract::InvalidInput;
use crate::contract::refusals::Refusal;
use anyhow::Result;
use sha2::{Digest, Sha256};

use super::LedgerError;
use super::entry::{self, Entry};
use super::status::Status;
use super::store::{Store, Tx, Val, with};
use super::users::{Actor, Role};

/// The most an evidence file may weigh.
pub const EVIDENCE_MAX_BYTES: usize = 20 * 1024 * 1024;

/// An evidence file to attach.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// What a change sets; `None` leaves a field as it is, `Some("")` clears it.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub status: Option<Status>,
    pub note: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub due: Option<String>,
    pub evidence: Vec<EvidenceFile>,
    /// Close although the latest run detected it (city role only), and why.
    pub force_reason: Option<String>,
    /// The version the client last saw: a newer entry is a conflict, not overwritten.
    pub expected_version: Option<i64>,
}

/// A due date as the ledger stores it (`2025-12-31`), from any date form zdz reads.
pub fn normalise_due(s: &str) -> Result<Option<String>, crate::contract::Unreadable> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::load::values::parse_date(s).map(|d| Some(d.date().to_string()))
}

fn blank_is_none(v: &Option<String>) -> Option<Option<String>> {
    v.as_ref().map(|s| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    })
}

/// May `actor` change `entry`?
pub fn may_write(actor: &Actor, entry: &Entry) -> Result<(), LedgerError> {
    match actor.role {
        Role::City => Ok(()),
        Role::Viewer => Err(LedgerError::Forbidden(format!(
            "{} is a viewer: the ledger is read-only for viewers",
            actor.name
        ))),
        Role::District => match &actor.district {
            Some(d) if entry.in_district(d) => Ok(()),
            d => Err(LedgerError::Forbidden(format!(
                "{} ({}) may change only problems of clusters in its district; {} is in {}",
                actor.name,
                d.as_deref().unwrap_or("no district"),
                entry.problem_id,
                if entry.districts.is_empty() {
                    "no district".to_string()
                } else {
                    entry.districts.join(", ")
                }
            ))),
        },
    }
}

/// Apply `change` to entry `problem_id` as `actor` at `now`; the entry as it is after.
pub fn apply(
    store: &dyn Store,
    problem_id: &str,
    change: &Change,
    actor: &Actor,
    now: &str,
) -> Result<Entry> {
    with(store, |tx| apply_in(tx, problem_id, change, actor, now))
}

pub fn apply_in(
    tx: &mut dyn Tx,
    problem_id: &str,
    change: &Change,
    actor: &Actor,
    now: &str,
) -> Result<Entry> {
    let Some(entry) = entry::get(tx, problem_id)? else {
        return Err(
            LedgerError::NotFound(format!("no problem `{problem_id}` in the ledger")).into(),
        );
    };
    may_write(actor, &entry)?;
    if let Some(v) = change.expected_version
        && v != entry.version
    {
        return Err(LedgerError::Conflict {
            message: format!(
                "{problem_id} changed since version {v}: it is at version {}",
                entry.version
            ),
            current: Box::new(entry),
        }
        .into());
    }
    let due = match &change.due {
        None => None,
        Some(d) => Some(normalise_due(d).map_err(|e| LedgerError::Invalid(InvalidInput::Due(e)))?),
    };
    let note = blank_is_none(&change.note);
    if let Some(to) = change.status {
        if to == Status::Dismissed
            && entry.status != Status::Dismissed
            && note.clone().flatten().is_none()
        {
            return Err(LedgerError::Refused {
                refusal: Refusal::DismissWithoutNote {
                    problem: problem_id.to_string(),
                },
                current: Box::new(entry),
            }
            .into());
        }
        if to == Status::Closed && entry.status != Status::Closed && entry.detected {
            let forced = change
                .force_reason
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty());
            if !forced || actor.role != Role::City {
                return Err(LedgerError::Refused {
                    refusal: Refusal::StillDetected {
                        problem: problem_id.to_string(),
                        detail: entry.detail.clone().unwrap_or_else(|| entry.code.clone()),
                        forced,
                    },
                    current: Box::new(entry),
                }
                .into());
            }
        }
    }
    for f in &change.evidence {
        if f.bytes.len() > EVIDENCE_MAX_BYTES {
            return Err(LedgerError::Invalid(InvalidInput::EvidenceTooLarge {
                file: f.file_name.clone(),
                bytes: f.bytes.len(),
                max: EVIDENCE_MAX_BYTES,
            })
            .into());
        }
    }

    let status = change.status.unwrap_or(entry.status);
    let unit = blank_is_none(&change.unit);
    let measure = blank_is_none(&change.measure);
    let changed = status != entry.status
        || unit.as_ref().is_some_and(|u| *u != entry.unit)
        || measure.as_ref().is_some_and(|m| *m != entry.measure)
        || due.as_ref().is_some_and(|d| *d != entry.due)
        || note.as_ref().is_some_and(|n| n.is_some());
    if changed {
        set_fields(
            tx,
            problem_id,
            &entry,
            change,
            actor,
            now,
            FieldValues {
                status,
                unit,
                measure,
                due,
                note,
            },
        )?;
    }
    for f in &change.evidence {
        attach(tx, problem_id, f, actor, now)?;
    }
    Ok(entry::get(tx, problem_id)?.expect("the entry was just read"))
}

/// The fields a change sets, as `apply_in` normalised them.
struct FieldValues {
    status: Status,
    unit: Option<Option<String>>,
    measure: Option<Option<String>>,
    due: Option<Option<String>>,
    note: Option<Option<String>>,
}

/// Set an entry's fields at the version read, with a history row (a new version). Evidence
/// alone sets no field: it is added beside them, in `attach`, and makes no version.
fn set_fields(
    tx: &mut dyn Tx,
    problem_id: &str,
    entry: &Entry,
    change: &Change,
    actor: &Actor,
    now: &str,
    values: FieldValues,
) -> Result<()> {
    let FieldValues {
        status,
        unit,
        measure,
        due,
        note,
    } = values;
    let pick = |new: &Option<Option<String>>, old: &Option<String>| match new {
        Some(v) => v.clone(),
        None => old.clone(),
    };
    let (unit_v, measure_v, due_v, note_v) = (
        pick(&unit, &entry.unit),
        pick(&measure, &entry.measure),
        pick(&due, &entry.due),
        pick(&note, &entry.note),
    );
    // The version guard makes a concurrent change of the same entry lose, not merge.
    let n = tx.execute(
        "UPDATE entries SET status = $2, unit = $3, measure = $4, due = $5, note = $6, version = version + 1, updated_at = $7 WHERE problem_id = $1 AND version = $8",
        &[
            problem_id.into(),
            status.as_str().into(),
            unit_v.into(),
            measure_v.into(),
            due_v.into(),
            note_v.into(),
            now.into(),
            Val::Int(entry.version),
        ],
    )?;
    if n == 0 {
        let current = entry::get(tx, problem_id)?.unwrap_or_else(|| entry.clone());
        return Err(LedgerError::Conflict {
            message: format!("{problem_id} was changed by someone else meanwhile"),
            current: Box::new(current),
        }
        .into());
    }
    let forced_note = change
        .force_reason
        .as_deref()
        .filter(|_| status == Status::Closed && entry.detected)
        .map(|r| format!("强制销号 forced close: {r}"));
    let note_text = match (&forced_note, note.clone().flatten()) {
        (Some(f), Some(n)) => Some(format!("{f}; {n}")),
        (Some(f), None) => Some(f.clone()),
        (None, n) => n,
    };
    let what = if status != entry.status {
        "status"
    } else {
        "edit"
    };
    entry::record(
        tx,
        problem_id,
        now,
        &actor.name,
        None,
        what,
        (Some(entry.status), Some(status)),
        [
            note_text.as_deref(),
            measure.clone().flatten().as_deref(),
            unit.clone().flatten().as_deref(),
            due.clone().flatten().as_deref(),
            None,
        ],
    )?;
    Ok(())
}

/// Keep an evidence file and list it with the entry, with a history row.
fn attach(
    tx: &mut dyn Tx,
    problem_id: &str,
    f: &EvidenceFile,
    actor: &Actor,
    now: &str,
) -> Result<()> {
    let sha = store_evidence(tx, f)?;
    tx.execute(
            "INSERT INTO entry_evidence (problem_id, sha256, file_name, added_at, by_name) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (problem_id, sha256) DO NOTHING",
            &[
                problem_id.into(),
                (&sha).into(),
                (&f.file_name).into(),
                now.into(),
                (&actor.name).into(),
            ],
        )?;
    entry::record(
        tx,
        problem_id,
        now,
        &actor.name,
        None,
        "evidence",
        (None, None),
        [
            Some(f.file_name.as_str()),
            None,
            None,
            None,
            Some(sha.as_str()),
        ],
    )?;
    Ok(())
}

/// Keep `f`'s bytes, once, under their SHA-256; the hash.
pub fn store_evidence(tx: &mut dyn Tx, f: &EvidenceFile) -> Result<String> {
    let sha = super::hex(&Sha256::digest(&f.bytes));
    tx.execute(
        "INSERT INTO evidence (sha256, size, media_type, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        &[
            (&sha).into(),
            Val::Int(f.bytes.len() as i64),
            (&f.media_type).into(),
            Val::Blob(f.bytes.clone()),
        ],
    )?;
    Ok(sha)
}

/// An evidence file's content and media type, by its SHA-256 (the only way to ask).
pub fn evidence_content(store: &dyn Store, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LedgerError::Invalid(InvalidInput::NotSha256(sha256.to_string())).into());
    }
    with(store, |tx| {
        let rows = tx.query(
            "SELECT media_type, content FROM evidence WHERE sha256 = $1",
            &[sha256.to_ascii_lowercase().into()],
        )?;
        let Some(r) = rows.into_iter().next() else {
            return Ok(None);
        };
        let media_type = r.text("evidence", "media_type")?;
        match r.into_values().pop() {
            Some(Val::Blob(content)) => Ok(Some((media_type, content))),
            _ => Err(anyhow::anyhow!(
                "ledger table evidence, column content: no bytes for {sha256}"
            )),
        }
    })
}
