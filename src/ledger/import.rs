//! A filled-in 问题清单 sheet of `survey.xlsx`, applied to the ledger (`zdz ledger import`):
//! each row's 整改措施, 责任单位, 完成时限 and 整改状态 become a change by the importing user,
//! checked like any other. A row for an unknown problem, with a date or status that cannot
//! be read, or whose entry changed in the ledger after the workbook was written (the
//! workbook records each row's version) is skipped and reported, never overwritten.

use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::{Reader, Xlsx, open_workbook};
use serde::Serialize;

use super::change::{self, Change, normalise_due};
use super::status::Status;
use super::store::{Store, with};
use super::users::Actor;
use crate::contract::import_skips::SkipReason;
use crate::load::survey::cell_text;

/// The problem sheet's name and the headers the import reads.
pub use crate::contract::workbooks::{DUE, ID, MEASURE, NOTE, SHEET, STATUS, UNIT, VERSION};

/// A row that was not applied, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub row: usize,
    pub problem_id: String,
    /// Why, to be said in either language; written in English as `reason`.
    #[serde(rename = "reason", serialize_with = "in_english")]
    pub why: SkipReason,
}

fn in_english<S: serde::Serializer>(why: &SkipReason, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&why.en())
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub applied: usize,
    pub unchanged: usize,
    pub skipped: Vec<Skipped>,
}

/// Apply the workbook at `path` as changes by `actor`.
pub fn import(store: &dyn Store, path: &Path, actor: &Actor, now: &str) -> Result<Report> {
    let mut book: Xlsx<_> = open_workbook(path)
        .with_context(|| format!("{}: cannot open as an .xlsx workbook", path.display()))?;
    let range = book
        .worksheet_range(SHEET)
        .with_context(|| format!("{}: no {SHEET} sheet", path.display()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|h| h.iter().map(|c| cell_text(c).unwrap_or_default()).collect())
        .unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let Some(id_col) = col(ID) else {
        bail!("{}, sheet {SHEET}: no {ID} column", path.display());
    };
    let (measure, unit, due, status, version, note) = (
        col(MEASURE),
        col(UNIT),
        col(DUE),
        col(STATUS),
        col(VERSION),
        col(NOTE),
    );
    let mut report = Report::default();
    for (i, row) in rows.enumerate() {
        let row_no = i + 2;
        let cell = |c: Option<usize>| c.and_then(|c| row.get(c)).and_then(cell_text);
        let Some(id) = cell(Some(id_col)) else {
            continue;
        };
        let mut skip = |why: SkipReason| {
            report.skipped.push(Skipped {
                row: row_no,
                problem_id: id.clone(),
                why,
            })
        };
        let current = with(store, |tx| super::entry::get(tx, &id))?;
        let Some(current) = current else {
            skip(SkipReason::UnknownProblem(id.clone()));
            continue;
        };
        let Some(v) = cell(version).and_then(|v| v.parse::<i64>().ok()) else {
            skip(SkipReason::NoVersion);
            continue;
        };
        if v != current.version {
            skip(SkipReason::Stale {
                workbook: v,
                ledger: current.version,
            });
            continue;
        }
        let new_status = match cell(status).map(|s| (Status::parse(&s), s)) {
            None => None,
            Some((Ok(s), _)) => Some(s),
            Some((Err(why), value)) => {
                skip(SkipReason::Status { value, why });
                continue;
            }
        };
        let new_due = match cell(due).map(|d| normalise_due(&d)) {
            None => None,
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                skip(SkipReason::Due(e));
                continue;
            }
        };
        let (m, u) = (cell(measure), cell(unit));
        let differs = new_status.is_some_and(|s| s != current.status)
            || (m.is_some() && m != current.measure)
            || (u.is_some() && u != current.unit)
            || (new_due.is_some() && new_due != current.due);
        if !differs {
            report.unchanged += 1;
            continue;
        }
        let source = format!("imported from {}, row {row_no}", path.display());
        let note = match cell(note) {
            Some(n) => format!("{n} ({source})"),
            None if new_status == Some(Status::Dismissed) => {
                skip(SkipReason::DismissalWithoutReason);
                continue;
            }
            None => source,
        };
        let change = Change {
            status: new_status.filter(|s| *s != current.status),
            measure: m,
            unit: u,
            due: new_due,
            expected_version: Some(v),
            note: Some(note),
            ..Change::default()
        };
        match change::apply(store, &id, &change, actor, now) {
            Ok(_) => report.applied += 1,
            Err(e) => match e.downcast_ref::<super::LedgerError>() {
                Some(le) => skip(SkipReason::Refused {
                    en: le.to_string(),
                    zh: le.zh(),
                }),
                None => return Err(e),
            },
        }
    }
    Ok(report)
}
