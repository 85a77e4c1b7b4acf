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

const TALLY: [&str; 9] = [
    "问题数",
    "待整改",
    "整改中",
    "待验收",
    "已销号",
    "不予认定",
    "逾期",
    "反复次数",
    "销号率(%)",
];

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
        headers: [
            "问题编号",
            "问题代码",
            "所在组团",
            "区县",
            "整改状态",
            "是否仍检出",
            "反复次数",
            "完成时限",
            "责任单位",
            "整改措施",
            "最近发现",
        ]
        .map(String::from)
        .to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    text(e.problem_id.clone()),
                    text(e.code.clone()),
                    opt(&e.cluster_id),
                    opt(&e.district),
                    text(e.status.zh()),
                    text(if e.detected { "是" } else { "否" }),
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
        name: "按区县",
        headers: headers(&["区县", "组团数"]),
        rows: p
            .districts
            .iter()
            .map(|d| {
                let mut row = vec![text(d.district.clone()), n(d.clusters)];
                row.extend(tally(&d.tally));
                row
            })
            .chain(std::iter::once({
                let mut row = vec![text("合计"), n(p.clusters.len())];
                row.extend(tally(&p.total));
                row
            }))
            .collect(),
    };
    let clusters = Sheet {
        name: "按组团",
        headers: headers(&["组团编号", "组团名称", "区县", "完成时限", "距时限天数"]),
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
        entry_sheet("逾期问题", &p.overdue),
        entry_sheet("反复问题", &p.recurrent),
    ]
}

/// Write the progress workbook to `path`.
pub fn write_progress(path: &Path, p: &Progress) -> Result<()> {
    write(path, sheets(p))
}
