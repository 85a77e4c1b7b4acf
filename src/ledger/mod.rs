//! The problem ledger (问题清单 → 整改 → 销号): every run recorded and reconciled by the
//! stable `problem_id`, every change of an entry checked and kept in an append-only
//! history, evidence stored by content, users with roles, and the progress report. In a
//! SQLite file by default, or a PostgreSQL database for a city-wide ledger; both run the
//! same migrations and the same code, through one storage interface.
//!
//! Downstream of the analysis: it reads problems and writes nothing back into them, except
//! that dismissed problems are left out of counts and scores (`dismissed`).

/// Acceptance (验收) and 销号 of a cluster: the official score beside zdz's.
pub mod acceptance;
/// Changing an entry: status, measure, unit, due date, note, evidence.
pub mod change;
/// An entry and reading entries back.
pub mod entry;
/// A filled-in problem sheet of the survey workbook, applied as changes.
pub mod import;
/// Inspections entered in the browser, and read with the workspace's.
pub mod inspections;
/// The schema, in numbered migrations both engines run.
pub mod migrate;
/// The district's 典型做法 and 建设亮点 for the 建设总结报告.
pub mod narratives;
/// The ledger in PostgreSQL.
pub mod postgres;
/// Progress per district and cluster (整改工作进展情况).
pub mod progress;
/// Recording a run and reconciling its problems.
pub mod reconcile;
/// Browser sessions, by the hash of their cookie.
pub mod sessions;
/// The city's spot checks (抽查): a reproducible sample and its results.
pub mod spotcheck;
/// The ledger in a SQLite file.
pub mod sqlite;
/// The statuses 待整改 → 整改中 → 待验收 → 已销号, and 不予认定.
pub mod status;
/// The storage interface both engines implement.
pub mod store;
/// Users, roles and tokens.
pub mod users;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Result;

use crate::contract::refusals::Refusal;
use crate::project::is_connection_string;
use entry::{Entry, Filter};
use store::{Store, with};

/// What went wrong with a ledger request, for the command line's exit code and the
/// service's HTTP status.
#[derive(Debug)]
pub enum LedgerError {
    NotFound(String),
    Unauthorized(String),
    Forbidden(String),
    /// The entry changed since the version the client saw (or meanwhile).
    Conflict {
        message: String,
        current: Box<Entry>,
    },
    /// The change breaks a rule (closing a problem still detected).
    Refused {
        refusal: Refusal,
        current: Box<Entry>,
    },
    Invalid(crate::contract::InvalidInput),
    /// A rule of the campaign stands in the way (accepting a cluster while a veto problem
    /// is detected; a summary text written meanwhile).
    Blocked(Refusal),
}

impl LedgerError {
    /// The error in Chinese where it has Chinese words (a rule of the campaign, a value
    /// not taken), else as it is said in English.
    pub fn zh(&self) -> String {
        match self {
            LedgerError::Blocked(r) | LedgerError::Refused { refusal: r, .. } => r.zh(),
            LedgerError::Invalid(i) => i.zh(),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LedgerError::NotFound(m) | LedgerError::Unauthorized(m) | LedgerError::Forbidden(m) => {
                f.write_str(m)
            }
            LedgerError::Invalid(i) => f.write_str(&i.en()),
            LedgerError::Blocked(r) | LedgerError::Refused { refusal: r, .. } => {
                f.write_str(&r.en())
            }
            LedgerError::Conflict { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for LedgerError {}

/// Bytes as lowercase hex (SHA-256 digests, token parts).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, as the ledger writes times: UTC, ISO 8601, to the second.
pub fn now() -> String {
    stamp(chrono::Utc::now())
}

/// A time as the ledger writes it: UTC, ISO 8601, to the second (which sorts as text).
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What a run's outputs show of the ledger: where it is, what this run changed, and every
/// entry as it stands after it.
#[derive(Debug, Clone)]
pub struct View {
    pub location: String,
    pub run: reconcile::RunSummary,
    pub entries: HashMap<String, Entry>,
    /// The latest acceptance of every cluster that has one.
    pub acceptances: HashMap<String, acceptance::Acceptance>,
    /// zdz's score of each cluster at the first run that scored it.
    pub first_scores: HashMap<String, f64>,
    /// The districts' text for the 建设总结报告, by cluster.
    pub narratives: HashMap<String, narratives::Narrative>,
}

impl View {
    /// What changed for a problem in this run: new, recurred (反复), no longer detected
    /// (不再检出), detected again; none when nothing did.
    pub fn change_of(&self, problem_id: &str) -> Option<&'static str> {
        let r = &self.run;
        let has = |list: &Vec<String>| list.iter().any(|p| p == problem_id);
        if has(&r.new) {
            Some("new")
        } else if has(&r.recurred) {
            Some("recurred")
        } else if has(&r.not_detected) {
            Some("not_detected")
        } else if has(&r.detected_again) {
            Some("detected_again")
        } else {
            None
        }
    }
}

/// Record a run of `loaded` and `analysis` in `ledger`: the ledger as the run's outputs
/// show it, and the dismissed problems scores leave out.
pub fn record_run_in(
    ledger: &Ledger,
    loaded: &crate::load::Loaded,
    analysis: &crate::analysis::Analysis,
) -> Result<(View, HashSet<String>)> {
    let input = reconcile::RunInput::new(loaded, analysis);
    let run = reconcile::reconcile(ledger.store(), &input, &now())?;
    view_with(ledger, run)
}

/// The ledger as it stands, without recording anything: every entry, and what the latest
/// run recorded for `loaded`'s workspace changed (empty when none was recorded). For
/// reports, which read the ledger but leave the recording to `zdz analyze` and `zdz serve`.
pub fn read_view_in(
    ledger: &Ledger,
    loaded: &crate::load::Loaded,
) -> Result<(View, HashSet<String>)> {
    let workspace = reconcile::workspace_name(loaded);
    let run = with(ledger.store(), |tx| reconcile::last_run(tx, &workspace))?;
    view_with(ledger, run)
}

/// The ledger's view after `run`, and the dismissed problems.
fn view_with(ledger: &Ledger, run: reconcile::RunSummary) -> Result<(View, HashSet<String>)> {
    Ok((
        View {
            location: ledger.store().location(),
            run,
            entries: ledger.entries()?,
            acceptances: with(ledger.store(), acceptance::latest)?,
            first_scores: with(ledger.store(), acceptance::first_scores)?,
            narratives: with(ledger.store(), narratives::all)?,
        },
        ledger.dismissed()?,
    ))
}

/// Apply a filled-in workbook by `actor`: a spot check's field sheet (抽查) when it holds
/// one and no problem list, else the survey's 问题清单 sheet.
pub fn import_workbook(
    store: &dyn Store,
    path: &Path,
    actor: &users::Actor,
    now: &str,
) -> Result<import::Report> {
    use calamine::Reader;
    let sheets = calamine::open_workbook::<calamine::Xlsx<_>, _>(path)
        .map(|b| b.sheet_names())
        .unwrap_or_default();
    if !sheets.iter().any(|s| s == import::SHEET) && sheets.iter().any(|s| s == spotcheck::SHEET) {
        spotcheck::import(store, path, actor, now)
    } else {
        import::import(store, path, actor, now)
    }
}

/// An open ledger, at the latest schema.
pub struct Ledger {
    store: Box<dyn Store>,
}

impl Ledger {
    /// Open the ledger at `url`: a SQLite file (created if missing) or `postgres://…`.
    pub fn open(url: &str) -> Result<Ledger> {
        let store: Box<dyn Store> = if is_connection_string(url) {
            if url.to_ascii_lowercase().starts_with("pg:") {
                anyhow::bail!(
                    "{}: give the ledger as a postgres://user@host:port/database URL",
                    postgres::redact(url)
                );
            }
            Box::new(postgres::Postgres::open(url)?)
        } else {
            Box::new(sqlite::Sqlite::open(Path::new(url))?)
        };
        migrate::migrate(store.as_ref())?;
        Ok(Ledger { store })
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Entries matching `filter`.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Entry>> {
        with(self.store(), |tx| entry::list(tx, filter))
    }

    /// Every entry by problem id, for outputs that carry ledger fields.
    pub fn entries(&self) -> Result<HashMap<String, Entry>> {
        Ok(self
            .list(&Filter::default())?
            .into_iter()
            .map(|e| (e.problem_id.clone(), e))
            .collect())
    }

    /// Ids of dismissed problems (不予认定): left out of counts and scores.
    pub fn dismissed(&self) -> Result<HashSet<String>> {
        with(self.store(), |tx| {
            Ok(tx
                .query(
                    "SELECT problem_id FROM entries WHERE status = 'dismissed'",
                    &[],
                )?
                .into_iter()
                .filter_map(|r| r[0].string())
                .collect())
        })
    }
}
