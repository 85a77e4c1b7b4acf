//! The progress workbook (整改工作进展情况表, `zdz ledger report`): per district, per
//! cluster, the overdue problems and the recurrent ones, with Chinese headers, written like
//! the survey workbook.

use std::path::Path;

use anyhow::Result;

use super::survey::{Cell, Sheet, write};
use crate::ledger::entry::Entry;
use crate::ledger::progress::{Progress, Tally};

fn n(v: usize) -> Cell {
    Cell::Number(v as f64)
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: &Option<String>) -> Cell {
    s.as_ref().map_or(Cell::Empty, |v| Cell::Text(v.clone()))
}

use crate::contract::workbooks::{
    BY_CLUSTER_COLUMNS, BY_CLUSTER_SHEET, BY_DISTRICT_COLUMNS, BY_DISTRICT_SHEET, ENTRY_COLUMNS,
    OVERDUE_SHEET, RECURRENT_SHEET, TALLY_COLUMNS as TALLY, TOTAL,
};

fn tally(t: &Tally) -> Vec<Cell> {
    vec![
        n(t.found),
        n(t.open),
        n(t.in_progress),
        n(t.awaiting_review),
        n(t.closed),
        n(t.dismissed),
        n(t.overdue),
        Cell::Number(t.recurrences as f64),
        Cell::Number((t.share_closed * 1000.0).round() / 10.0),
    ]
}

fn headers(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(TALLY.iter())
        .map(|h| h.to_string())
        .collect()
}

fn entry_sheet(name: &'static str, entries: &[Entry]) -> Sheet<'static> {
    Sheet {
        name,
        headers: ENTRY_COLUMNS.map(String::from).to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    text(e.problem_id.clone()),
                    text(e.code.clone()),
                    opt(&e.cluster_id),
                    opt(&e.district),
                    text(e.status.zh()),
                    text(crate::contract::words::yes_no(e.detected)),
                    Cell::Number(e.recurrences as f64),
                    opt(&e.due),
                    opt(&e.unit),
                    opt(&e.measure),
                    text(e.last_seen.clone()),
                ]
            })
            .collect(),
    }
}

/// The workbook's sheets.
pub fn sheets(p: &Progress) -> Vec<Sheet<'_>> {
    let districts = Sheet {
        name: BY_DISTRICT_SHEET,
        headers: headers(&BY_DISTRICT_COLUMNS),
        rows: p
            .districts
            .iter()
            .map(|d| {
                let mut row = vec![text(d.district.clone()), n(d.clusters)];
                row.extend(tally(&d.tally));
                row
            })
            .chain(std::iter::once({
                let mut row = vec![text(TOTAL), n(p.clusters.len())];
                row.extend(tally(&p.total));
                row
            }))
            .collect(),
    };
    let clusters = Sheet {
        name: BY_CLUSTER_SHEET,
        headers: headers(&BY_CLUSTER_COLUMNS),
        rows: p
            .clusters
            .iter()
            .map(|c| {
                let mut row = vec![
                    text(c.cluster_id.clone()),
                    opt(&c.name),
                    opt(&c.district),
                    c.deadline.as_deref().map_or(Cell::Empty, |d| {
                        text(crate::contract::words::zh(
                            crate::contract::Vocabulary::Deadline,
                            d,
                        ))
                    }),
                    c.days_to_deadline
                        .map_or(Cell::Empty, |d| Cell::Number(d as f64)),
                ];
                row.extend(tally(&c.tally));
                row
            })
            .collect(),
    };
    vec![
        districts,
        clusters,
        entry_sheet(OVERDUE_SHEET, &p.overdue),
        entry_sheet(RECURRENT_SHEET, &p.recurrent),
    ]
}

/// Write the progress workbook to `path`.
pub fn write_progress(path: &Path, p: &Progress) -> Result<()> {
    write(path, sheets(p))
}
