//! `survey.xlsx`, the "源、网、厂" survey workbook (工业园区"污水零直排区"建设"源、网、厂"调查表)
//! prefilled from the data and the analysis: a sheet per object — clusters and parks, 源
//! (enterprises), 网 (network per cluster and kind), 厂 (plants), 口 (outfalls) — and the
//! 问题清单 with empty columns the bureau fills in. Chinese headers, frozen header row,
//! filters, fitted widths, one row per feature.
//!
//! The survey form's fields follow `docs/reference/domain-notes.md`, which marks the
//! official form as not yet in hand: columns the data cannot fill are left out rather
//! than left blank, except the rectification columns of the problem list.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use geo::{Euclidean, Length};
use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, Format, FormatBorder, Workbook, Worksheet};

use crate::contract::workbooks::*;
use crate::contract::{
    ANSWER_SHEETS, AnswerKind, LayerKind, MANUAL_FIELDS, ProblemCode, Severity, Vocabulary, words,
};
use crate::model::{Answer, Answers, PipeKind};
use crate::outcome::Outcome;
use crate::readiness::json::round2;

/// A cell of a sheet.
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<&String>) -> Cell {
    s.map_or(Cell::Empty, |v| Cell::Text(v.clone()))
}

fn opt_number(n: Option<f64>) -> Cell {
    n.map_or(Cell::Empty, |v| Cell::Number((v * 100.0).round() / 100.0))
}

fn yes_no(b: bool) -> Cell {
    text(words::yes_no(b))
}

/// One sheet: its name, headers and rows.
pub struct Sheet<'a> {
    pub name: &'static str,
    pub headers: Vec<String>,
    pub rows: Rows<'a>,
}

/// A sheet's rows: built, or made as they are written, a chunk at a time on every core (half
/// a million enterprise rows are never all held at once).
pub enum Rows<'a> {
    Built(Vec<Vec<Cell>>),
    Each {
        len: usize,
        row: Box<dyn Fn(usize) -> Vec<Cell> + Send + Sync + 'a>,
    },
}

impl Rows<'_> {
    pub fn len(&self) -> usize {
        match self {
            Rows::Built(rows) => rows.len(),
            Rows::Each { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl FromIterator<Vec<Cell>> for Rows<'_> {
    fn from_iter<I: IntoIterator<Item = Vec<Cell>>>(rows: I) -> Self {
        Rows::Built(rows.into_iter().collect())
    }
}

/// Which clusters a workbook is for: all of them (`survey.xlsx`), or one (`survey/<id>.xlsx`,
/// which a district fills in for its own cluster).
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    Cluster(usize),
}

impl Scope {
    /// Whether a feature in cluster `c` (or in none) belongs to the workbook.
    fn holds(self, c: Option<usize>) -> bool {
        match self {
            Scope::All => true,
            Scope::Cluster(k) => c == Some(k),
        }
    }

    /// Whether something harming the clusters `ids` belongs to the workbook.
    fn holds_any(self, layers: &crate::model::Layers, ids: &[String]) -> bool {
        match self {
            Scope::All => true,
            Scope::Cluster(k) => ids.iter().any(|id| *id == layers.clusters[k].id),
        }
    }
}

/// The rows `row` makes for the indexes `0..len` that `keep` keeps, made as they are
/// written.
fn rows_of<'a>(
    len: usize,
    keep: impl Fn(usize) -> bool,
    row: impl Fn(usize) -> Vec<Cell> + Send + Sync + 'a,
) -> Rows<'a> {
    let kept: Vec<usize> = (0..len).filter(|i| keep(*i)).collect();
    Rows::Each {
        len: kept.len(),
        row: Box::new(move |k| row(kept[k])),
    }
}

/// Rows made at once when a sheet's rows are made as they are written.
const CHUNK_ROWS: usize = 16_384;

/// The manual-answer columns of a layer's sheet, headed by their Chinese names.
fn answer_headers(layer: LayerKind) -> impl Iterator<Item = String> {
    MANUAL_FIELDS
        .iter()
        .filter(move |f| f.layer == layer)
        .map(|f| f.label_zh.to_string())
}

/// A feature's manual answers as cells: 是/否, the text, or empty (待填报).
fn answer_cells(layer: LayerKind, answers: &Answers) -> impl Iterator<Item = Cell> + '_ {
    MANUAL_FIELDS
        .iter()
        .filter(move |f| f.layer == layer)
        .map(|f| match (answers.get(f.name), f.kind) {
            (Some(Answer::YesNo(b)), _) => yes_no(*b),
            (Some(Answer::Text(t)), AnswerKind::Text) => text(t.clone()),
            (Some(Answer::Text(t)), AnswerKind::YesNo) => text(t.clone()),
            (None, _) => Cell::Empty,
        })
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| h.to_string()).collect()
}

/// The workbook's sheets, built from the analysis.
/// The survey form ("源、网、厂" 调查表): one sheet per object type, and the problem list.
pub fn sheets(o: Outcome<'_>, scope: Scope) -> Vec<Sheet<'_>> {
    let mut sheets = vec![
        cluster_sheet(o, scope),
        source_sheet(o, scope),
        network_sheet(o, scope),
    ];
    if let Scope::Cluster(c) = scope {
        sheets.push(pipe_sheet(o, c));
    }
    sheets.extend([
        plant_sheet(o, scope),
        outfall_sheet(o, scope),
        problem_sheet(o, scope),
    ]);
    sheets
}

/// A cluster's id as a cell, empty outside every cluster.
fn cluster_id_cell(l: &crate::model::Layers) -> impl Fn(Option<usize>) -> Cell + '_ {
    move |c: Option<usize>| c.map_or(Cell::Empty, |c| text(l.clusters[c].id.clone()))
}

/// 组团: each cluster with its deadline, score and manual answers.
fn cluster_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let analysis = o.analysis;
    let readiness = o.readiness;
    let l = &o.loaded.layers;
    Sheet {
        name: ANSWER_SHEETS[0].1,
        headers: [
            headers(&CLUSTER_COLUMNS),
            readiness
                .rubric
                .items
                .iter()
                .map(|i| format!("{} {}", i.id, i.name_zh))
                .collect(),
            answer_headers(LayerKind::Clusters).collect(),
        ]
        .concat(),
        rows: rows_of(
            l.clusters.len(),
            |i| scope.holds(Some(i)),
            move |i| {
                let (c, r) = (&l.clusters[i], &analysis.clusters[i]);
                let park = r.park.map(|p| &l.parks[p]);
                let scored = readiness.clusters[i].as_ref();
                let mut row = vec![
                    text(c.id.clone()),
                    opt_text(c.name.as_ref()),
                    opt_text(park.map(|p| &p.id).or(c.park_id.as_ref())),
                    opt_text(park.and_then(|p| p.name.as_ref())),
                    r.park_level.map_or(Cell::Empty, |lv| {
                        text(words::zh(Vocabulary::ParkLevel, lv.as_str()))
                    }),
                    opt_text(r.district.as_ref()),
                    yes_no(c.demo),
                    Cell::Number(r.enterprise_count as f64),
                    yes_no(r.corridor.in_corridor),
                    opt_number(r.corridor.distance_m),
                    text(words::zh(
                        Vocabulary::CorridorReason,
                        r.corridor.reason.as_str(),
                    )),
                    text(words::zh(Vocabulary::Deadline, &r.deadline)),
                    text(words::reasons_zh(
                        Vocabulary::DeadlineReason,
                        &r.deadline_reason,
                    )),
                    text(o.campaign.clusters[i].label_zh()),
                    Cell::Number(readiness.problem_count(i) as f64),
                    scored.map_or(Cell::Empty, |s| Cell::Number(round2(s.score))),
                    scored.map_or(Cell::Empty, |s| yes_no(s.ready)),
                    scored.map_or(Cell::Empty, |s| yes_no(!s.veto.is_empty())),
                    match scored.map(|s| s.actions_to_ready()) {
                        Some(Some(n)) => Cell::Number(n as f64),
                        Some(None) => text(UNREACHABLE),
                        None => Cell::Empty,
                    },
                    scored.map_or(Cell::Empty, |s| Cell::Number(s.unanswered.len() as f64)),
                ];
                row.extend(readiness.rubric.items.iter().map(|item| {
                    scored
                        .and_then(|s| s.item(&item.id))
                        .map_or(Cell::Empty, |s| Cell::Number(round2(s.points)))
                }));
                row.extend(answer_cells(LayerKind::Clusters, &c.answers));
                row
            },
        ),
    }
}

/// 源: each enterprise with its connection, coverage and answers.
fn source_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let analysis = o.analysis;
    let l = &o.loaded.layers;
    let cluster_id = cluster_id_cell(l);
    Sheet {
        name: ANSWER_SHEETS[1].1,
        headers: [
            headers(&ENTERPRISE_COLUMNS),
            answer_headers(LayerKind::Enterprises).collect(),
        ]
        .concat(),
        rows: rows_of(
            l.enterprises.len(),
            |i| scope.holds(analysis.enterprises[i].cluster),
            move |i| {
                let (e, r) = (&l.enterprises[i], &analysis.enterprises[i]);
                let mut row = vec![
                    text(e.id.clone()),
                    opt_text(e.name.as_ref()),
                    opt_text(e.credit_code.as_ref()),
                    opt_text(e.industry.as_ref()),
                    opt_number(e.wastewater_tpd),
                    e.connected.map_or(Cell::Empty, yes_no),
                    opt_text(e.permit_no.as_ref()),
                    cluster_id(r.cluster),
                    yes_no(r.drain.is_some()),
                    r.drain
                        .map_or(Cell::Empty, |(p, _)| text(l.pipes[p].id.clone())),
                    opt_number(r.drain.map(|(_, d)| d)),
                ];
                row.extend(answer_cells(LayerKind::Enterprises, &e.answers));
                row
            },
        ),
    }
}

/// 网: pipes per cluster and kind, with what the survey's levels and the checks at the
/// nodes found.
fn network_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let analysis = o.analysis;
    let l = &o.loaded.layers;
    // 网: per cluster (or outside every cluster) and kind: count, length, grade 3–4 defects,
    // pipes the levels oriented and pipes flowing against their delivery. Summed by cluster
    // index, in fixed chunks on every core merged in order (so the sums do not depend on
    // how the work was shared out), then ordered by cluster id (outside every cluster
    // first) and kind.
    #[derive(Default, Clone, Copy)]
    struct Total {
        pipes: usize,
        length: f64,
        defects: usize,
        by_levels: usize,
        reversed: usize,
    }
    impl Total {
        fn add(&mut self, o: Total) {
            self.pipes += o.pipes;
            self.length += o.length;
            self.defects += o.defects;
            self.by_levels += o.by_levels;
            self.reversed += o.reversed;
        }
    }
    type Totals = BTreeMap<(Option<usize>, PipeKind), Total>;
    let chunks: Vec<Totals> = l
        .pipes
        .par_chunks(CHUNK_ROWS)
        .zip(analysis.pipe_clusters.par_chunks(CHUNK_ROWS))
        .map(|(pipes, clusters)| {
            let mut totals = Totals::new();
            for (p, c) in pipes.iter().zip(clusters).filter(|(_, c)| scope.holds(**c)) {
                totals.entry((*c, p.kind)).or_default().add(Total {
                    pipes: 1,
                    length: Euclidean.length(&p.geom),
                    defects: p.defect_grade.is_some_and(|g| g >= 3) as usize,
                    by_levels: (p.flow_basis == crate::model::FlowBasis::Levels) as usize,
                    reversed: p.reversed as usize,
                });
            }
            totals
        })
        .collect();
    let mut totals = Totals::new();
    for chunk in chunks {
        for (k, t) in chunk {
            totals.entry(k).or_default().add(t);
        }
    }
    let mut network: Vec<((Option<String>, PipeKind), Total)> = totals
        .into_iter()
        .map(|((c, kind), t)| ((c.map(|c| l.clusters[c].id.clone()), kind), t))
        .collect();
    network.sort_by(|a, b| a.0.cmp(&b.0));
    // The node checks' problems, by cluster and the kind of the pipe leaving the node: a
    // cross-connection of sewage into storm pipes on the storm row, of storm water into
    // sewers on the sewage row.
    let pipe_kind: std::collections::HashMap<&str, PipeKind> =
        l.pipes.iter().map(|p| (p.id.as_str(), p.kind)).collect();
    let mut at_nodes: BTreeMap<(Option<String>, PipeKind), [usize; 3]> = BTreeMap::new();
    for p in &analysis.problems {
        let (column, kind) = match p.code {
            ProblemCode::CrossConnectionPoint if p.severity == Severity::High => {
                (0, PipeKind::Storm)
            }
            ProblemCode::CrossConnectionPoint => (0, PipeKind::Sewage),
            ProblemCode::PipeInvertStepUp | ProblemCode::PipeDiameterDecrease => {
                let Some(kind) = pipe_kind.get(p.feature_id.as_str()) else {
                    continue;
                };
                let column = if p.code == ProblemCode::PipeInvertStepUp {
                    1
                } else {
                    2
                };
                (column, *kind)
            }
            _ => continue,
        };
        if !scope.holds_any(l, &p.cluster_ids) {
            continue;
        }
        at_nodes.entry((p.cluster_id.clone(), kind)).or_default()[column] += 1;
    }
    let kind_zh = |k: PipeKind| words::zh(Vocabulary::PipeKind, k.as_str());
    Sheet {
        name: NETWORK_SHEET,
        headers: headers(&NETWORK_COLUMNS),
        rows: network
            .into_iter()
            .map(|(key, t)| {
                let found = at_nodes.get(&key).copied().unwrap_or_default();
                let (cluster, kind) = key;
                let mut row = vec![
                    text(cluster.unwrap_or_else(|| OUTSIDE_CLUSTERS.into())),
                    text(kind_zh(kind)),
                    Cell::Number(t.pipes as f64),
                    Cell::Number(t.length.round()),
                    Cell::Number(t.defects as f64),
                    Cell::Number(t.by_levels as f64),
                    Cell::Number(t.reversed as f64),
                ];
                row.extend(found.map(|n| Cell::Number(n as f64)));
                row
            })
            .collect(),
    }
}

/// 管网 管段 (in a cluster's own workbook): each of the cluster's pipes, in its direction of
/// flow, with the problems found on it.
fn pipe_sheet(o: Outcome<'_>, cluster: usize) -> Sheet<'_> {
    let l = &o.loaded.layers;
    let analysis = o.analysis;
    let mut on_pipe: std::collections::HashMap<&str, Vec<&crate::analysis::problem::Problem>> =
        std::collections::HashMap::new();
    for p in analysis
        .problems
        .iter()
        .filter(|p| p.layer == LayerKind::Pipes)
    {
        on_pipe.entry(p.feature_id.as_str()).or_default().push(p);
    }
    let kind_zh = |k: PipeKind| words::zh(Vocabulary::PipeKind, k.as_str());
    Sheet {
        name: PIPE_SHEET,
        headers: headers(&PIPE_COLUMNS),
        rows: rows_of(
            l.pipes.len(),
            |i| analysis.pipe_clusters[i] == Some(cluster),
            move |i| {
                let p = &l.pipes[i];
                let found = on_pipe.get(p.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                let join = |f: &dyn Fn(&crate::analysis::problem::Problem) -> String| {
                    found.iter().map(|p| f(p)).collect::<Vec<_>>().join("；")
                };
                vec![
                    text(p.id.clone()),
                    text(kind_zh(p.kind)),
                    opt_number(p.diameter_mm),
                    opt_text(p.from_node.as_ref()),
                    opt_text(p.to_node.as_ref()),
                    text(words::zh(Vocabulary::FlowBasis, p.flow_basis.as_str())),
                    yes_no(p.reversed),
                    p.defect_grade
                        .map_or(Cell::Empty, |g| Cell::Number(g.into())),
                    text(join(&|p| p.code.as_str().to_string())),
                    text(join(&|p| p.code.label_zh().to_string())),
                    text(join(&|p| p.detail.clone())),
                ]
            },
        ),
    }
}

/// 厂: each plant with its capacity, inflow and the clusters it receives.
fn plant_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let l = &o.loaded.layers;
    let receives = |p: usize| match scope {
        Scope::All => true,
        Scope::Cluster(c) => o.analysis.plant_clusters[p].contains(&c),
    };
    Sheet {
        name: PLANT_SHEET,
        headers: headers(&PLANT_COLUMNS),
        rows: l
            .plants
            .iter()
            .enumerate()
            .filter(|(i, _)| receives(*i))
            .map(|(_, p)| {
                let load = match (p.inflow_tpd, p.capacity_tpd) {
                    (Some(i), Some(c)) if c > 0.0 => Some(i / c * 100.0),
                    _ => None,
                };
                vec![
                    text(p.id.clone()),
                    opt_text(p.name.as_ref()),
                    opt_number(p.capacity_tpd),
                    opt_number(p.inflow_tpd),
                    opt_number(load),
                    load.map_or(Cell::Empty, |v| yes_no(v > 100.0)),
                ]
            })
            .collect(),
    }
}

/// 口: each outfall with its match, trace and problems.
fn outfall_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let analysis = o.analysis;
    let l = &o.loaded.layers;
    let cluster_id = cluster_id_cell(l);
    Sheet {
        name: OUTFALL_SHEET,
        headers: headers(&OUTFALL_COLUMNS),
        rows: rows_of(
            l.outfalls.len(),
            |i| scope.holds(analysis.outfalls[i].cluster),
            move |i| {
                let (o, r) = (&l.outfalls[i], &analysis.outfalls[i]);
                vec![
                    text(o.id.clone()),
                    opt_text(o.name.as_ref()),
                    o.kind.map_or(Cell::Empty, |k| {
                        text(words::zh(Vocabulary::OutfallKind, k.as_str()))
                    }),
                    opt_text(o.receiving_water.as_ref()),
                    cluster_id(r.cluster),
                    yes_no(r.matched.is_some()),
                    r.matched
                        .map_or(Cell::Empty, |(p, _)| text(l.pipes[p].id.clone())),
                    opt_number(r.matched.map(|(_, d)| d)),
                    Cell::Number(r.upstream_pipes.len() as f64),
                    Cell::Number(r.upstream_enterprises.len() as f64),
                    text(words::zh(Vocabulary::OutfallStatus, r.status.as_str())),
                    text(
                        r.codes
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    opt_text(r.plant.map(|p| &l.plants[p].id).or(o.plant_id.as_ref())),
                ]
            },
        ),
    }
}

/// The 问题清单: every problem of the run, and with a ledger its current values (the
/// columns a bureau fills in and imports back) and the ledger's entries of this workspace
/// the run no longer finds.
fn problem_sheet(o: Outcome<'_>, scope: Scope) -> Sheet<'_> {
    let ledger = o.ledger;
    let entry = move |id: &str| ledger.and_then(|l| l.entries.get(id));
    let ledger_cells = move |id: &str| -> Vec<Cell> {
        let e = entry(id);
        vec![
            opt_text(e.and_then(|e| e.measure.as_ref())),
            opt_text(e.and_then(|e| e.unit.as_ref())),
            opt_text(e.and_then(|e| e.due.as_ref())),
            text(e.map_or(NOT_STARTED, |e| e.status.zh())),
            opt_text(e.and_then(|e| e.note.as_ref())),
            e.map_or(Cell::Empty, |e| yes_no(e.detected)),
            e.map_or(Cell::Empty, |e| Cell::Number(e.recurrences as f64)),
            ledger
                .and_then(|l| l.change_of(id))
                .map_or(Cell::Empty, |c| text(change(c))),
            e.map_or(Cell::Empty, |e| Cell::Number(e.version as f64)),
        ]
    };
    let layers = &o.loaded.layers;
    let problems: Vec<&crate::analysis::problem::Problem> = o
        .analysis
        .problems
        .iter()
        .filter(|p| scope.holds_any(layers, &p.cluster_ids))
        .collect();
    let problem_row = move |p: &crate::analysis::problem::Problem| {
        let mut row = vec![
            text(p.problem_id.clone()),
            text(p.code.as_str()),
            text(p.code.label_zh()),
            text(words::zh(Vocabulary::Severity, p.severity.as_str())),
            text(p.layer.label_zh()),
            text(p.feature_id.clone()),
            opt_text(p.cluster_id.as_ref()),
            p.deadline
                .as_deref()
                .map_or(Cell::Empty, |d| text(words::zh(Vocabulary::Deadline, d))),
            text(p.detail.clone()),
            opt_number(p.distance_m),
        ];
        row.extend(ledger_cells(&p.problem_id));
        row
    };
    // The ledger's entries of this workspace's clusters that the run no longer finds.
    let mut gone: Vec<&crate::ledger::entry::Entry> = Vec::new();
    if let Some(l) = ledger {
        let found: std::collections::HashSet<&str> = o
            .analysis
            .problems
            .iter()
            .map(|p| p.problem_id.as_str())
            .collect();
        let clusters: std::collections::HashSet<&str> = o
            .loaded
            .layers
            .clusters
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        gone = l
            .entries
            .values()
            .filter(|e| !found.contains(e.problem_id.as_str()))
            .filter(|e| e.cluster_ids.iter().any(|c| clusters.contains(c.as_str())))
            .filter(|e| scope.holds_any(layers, &e.cluster_ids))
            .collect();
        gone.sort_by(|a, b| (&a.code, &a.problem_id).cmp(&(&b.code, &b.problem_id)));
    }
    let gone_row = move |e: &crate::ledger::entry::Entry| {
        let code = crate::contract::ProblemCode::from_name(&e.code);
        let mut row = vec![
            text(e.problem_id.clone()),
            text(e.code.clone()),
            code.map_or(Cell::Empty, |c| text(c.label_zh())),
            code.map_or(Cell::Empty, |c| {
                text(words::zh(Vocabulary::Severity, c.severity().as_str()))
            }),
            text(LayerKind::from_name(&e.layer).map_or(e.layer.as_str(), |k| k.label_zh())),
            text(e.feature_id.clone()),
            opt_text(e.cluster_id.as_ref()),
            Cell::Empty,
            opt_text(e.detail.as_ref()),
            Cell::Empty,
        ];
        row.extend(ledger_cells(&e.problem_id));
        row
    };
    let rows = Rows::Each {
        len: problems.len() + gone.len(),
        row: Box::new(move |i| match problems.get(i) {
            Some(p) => problem_row(p),
            None => gone_row(gone[i - problems.len()]),
        }),
    };
    Sheet {
        name: SHEET,
        headers: headers(&PROBLEM_COLUMNS),
        rows,
    }
}

/// Display width of text in Excel's character units: Chinese characters take two. Counted
/// on the bytes (every character that is not ASCII starts with a byte 0b11xxxxxx): the
/// workbook's thirteen million cells at national scale are each measured.
fn display_width(s: &str) -> usize {
    let (ascii, wide) = s.bytes().fold((0, 0), |(ascii, wide), b| {
        (ascii + usize::from(b < 0x80), wide + usize::from(b >= 0xC0))
    });
    ascii + 2 * wide
}

/// Each column as wide as its widest cell (header included, room for the filter button),
/// up to 60 characters: widened as the rows are written.
struct Widths {
    widths: Vec<usize>,
    /// A number as Excel shows it, reused from cell to cell.
    shown: String,
}

impl Widths {
    fn of_headers(headers: &[String]) -> Self {
        Widths {
            widths: headers.iter().map(|h| display_width(h) + 3).collect(),
            shown: String::new(),
        }
    }

    fn widen(&mut self, c: usize, cell: &Cell) {
        use std::fmt::Write;
        let w = match cell {
            Cell::Text(s) => display_width(s),
            Cell::Number(n) => {
                self.shown.clear();
                write!(self.shown, "{n}").expect("writing to a String cannot fail");
                self.shown.len()
            }
            Cell::Empty => return,
        };
        self.widths[c] = self.widths[c].max(w);
    }

    fn columns(&self) -> impl Iterator<Item = f64> + '_ {
        self.widths.iter().map(|w| ((*w).min(60) + 1) as f64)
    }
}

/// One workbook per in-scope cluster in `dir`, named by the cluster's id (characters a file
/// name cannot hold replaced by `_`), each with that cluster's rows only and its pipes. A
/// workbook filled in is read back like `survey.xlsx` (`--survey`, `zdz ledger import`).
pub fn write_per_cluster(dir: &Path, o: Outcome<'_>) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let in_scope: Vec<usize> = (0..o.loaded.layers.clusters.len())
        .filter(|c| o.analysis.clusters[*c].in_scope())
        .collect();
    in_scope.par_iter().try_for_each(|c| {
        let id = &o.loaded.layers.clusters[*c].id;
        let name: String = id
            .chars()
            .map(|ch| {
                if ch.is_control() || r#"/\:*?"<>|"#.contains(ch) {
                    '_'
                } else {
                    ch
                }
            })
            .collect();
        write(
            &dir.join(format!("{name}.xlsx")),
            sheets(o, Scope::Cluster(*c)),
        )
    })
}

/// Write the workbook to `path`, its sheets side by side on every core.
pub fn write(path: &Path, sheets: Vec<Sheet>) -> Result<()> {
    let mut book = Workbook::new();
    // Deflate level 2. On the national benchmark (508,308 enterprises, 202,360 outfalls:
    // 528 MB of sheet XML), level 3 zips it in 1.32 s to 55.2 MB and level 2 in 0.95 s to
    // 59.6 MB; level 1 takes as long as level 2 for 81.6 MB, and level 6 (the default)
    // took half as long again as 3 when first measured.
    book.set_zip_compression_level(2);
    book.set_properties(
        &DocProperties::new()
            .set_title(SURVEY_TITLE)
            .set_comment("Prefilled by zdz from the workspace and its analysis. The survey form's fields are provisional until the official form is in hand."),
    );
    for sheet in &sheets {
        // Rows go to disk as they are written, strings inline: no shared-string table
        // to hash 300,000 enterprise names into.
        book.add_worksheet_with_constant_memory()?
            .set_name(sheet.name)?;
    }
    let formats = Formats {
        header: Format::new()
            .set_bold()
            .set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin),
        input: Format::new()
            .set_unlocked()
            .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC)),
    };
    // Known to the workbook before the sheets are written side by side: a format first met
    // by two sheets at once could be given two indexes, one of them missing from the
    // styles (rust_xlsxwriter looks it up and adds it under two separate locks), and the
    // file would not open.
    book.register_format(&formats.header);
    book.register_format(&formats.input);
    // Each worksheet is its own file until the workbook is saved: the enterprises' (half
    // the cells at national scale) and the outfalls' are written at the same time.
    book.worksheets_mut()
        .par_iter_mut()
        .zip(sheets)
        .try_for_each(|(ws, sheet)| write_sheet(ws, sheet, &formats))?;
    let tmp = path.with_extension("xlsx.zdz-tmp");
    crate::timing::phase("write: survey.xlsx zip", || book.save(&tmp))
        .with_context(|| format!("{}: cannot write", tmp.display()))?;
    crate::atomic::put_in_place(&tmp, path)
}

/// What whoever fills in a column writes there, for a column that takes an answer: the
/// note on its header, and the values a drop-down offers (none: free text).
fn input_column(sheet: &str, header: &str) -> Option<(String, Vec<&'static str>)> {
    use crate::ledger::status::Status;
    if let Some(f) = MANUAL_FIELDS.iter().find(|f| f.label_zh == header) {
        return Some(match f.kind {
            AnswerKind::YesNo => (
                yes_no_hint(f.label_zh),
                vec![words::yes_no(true), words::yes_no(false)],
            ),
            AnswerKind::Text => (text_hint(f.label_zh), vec![]),
        });
    }
    if sheet != SHEET {
        return None;
    }
    Some(match header {
        h if h == STATUS => (
            STATUS_HINT.into(),
            Status::ALL.iter().map(|s| s.zh()).collect(),
        ),
        h if h == DUE => (DUE_HINT.into(), vec![]),
        h if h == MEASURE => (MEASURE_HINT.into(), vec![]),
        h if h == UNIT => (UNIT_HINT.into(), vec![]),
        h if h == NOTE => (NOTE_HINT.into(), vec![]),
        _ => return None,
    })
}

/// The cell formats of every sheet: headers, and the columns that take an answer.
struct Formats {
    header: Format,
    input: Format,
}

/// One sheet's header, rows, filter, widths and print setup. The columns that take an
/// answer are shaded and left unlocked, with a note on the header saying what to write and
/// a drop-down where the answer is one of a list; the sheet is protected without a password,
/// so computed columns are not overwritten by mistake, while filtering and sorting work.
fn write_sheet(ws: &mut Worksheet, sheet: Sheet, formats: &Formats) -> Result<()> {
    let (header, input) = (&formats.header, &formats.input);
    let inputs: Vec<bool> = sheet
        .headers
        .iter()
        .map(|h| input_column(sheet.name, h).is_some())
        .collect();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, header)?;
        let Some((note, choices)) = input_column(sheet.name, h) else {
            continue;
        };
        ws.set_column_format(c as u16, input)?;
        ws.insert_note(
            0,
            c as u16,
            &rust_xlsxwriter::Note::new(note).set_author("zdz"),
        )?;
        if !choices.is_empty() && !sheet.rows.is_empty() {
            let list = rust_xlsxwriter::DataValidation::new().allow_list_strings(&choices)?;
            ws.add_data_validation(1, c as u16, sheet.rows.len() as u32, c as u16, &list)?;
        }
    }
    let mut widths = Widths::of_headers(&sheet.headers);
    let len = sheet.rows.len();
    let mut write_rows = |first: usize, rows: Vec<Vec<Cell>>| -> Result<()> {
        for (r, row) in rows.into_iter().enumerate() {
            let r = (first + r) as u32 + 1;
            for (c, cell) in row.into_iter().enumerate() {
                widths.widen(c, &cell);
                let answer = inputs.get(c).copied().unwrap_or(false);
                match cell {
                    Cell::Text(s) if answer => {
                        ws.write_string_with_format(r, c as u16, s, input)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Cell::Number(n) if answer => {
                        ws.write_number_with_format(r, c as u16, n, input)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        Ok(())
    };
    match sheet.rows {
        Rows::Built(rows) => write_rows(0, rows)?,
        Rows::Each { len, row } => {
            // The next chunk is made on the other cores while this one is written.
            let make = |first: usize| -> Vec<Vec<Cell>> {
                (first..(first + CHUNK_ROWS).min(len))
                    .into_par_iter()
                    .map(&row)
                    .collect()
            };
            let mut chunk = make(0);
            let mut first = 0;
            while !chunk.is_empty() {
                let next = first + chunk.len();
                let (written, made) = rayon::join(|| write_rows(first, chunk), || make(next));
                written?;
                (first, chunk) = (next, made);
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if inputs.iter().any(|i| *i) {
        let options = rust_xlsxwriter::ProtectionOptions {
            sort: true,
            use_autofilter: true,
            format_columns: true,
            ..rust_xlsxwriter::ProtectionOptions::new()
        };
        ws.protect_with_options(&options);
    }
    ws.autofilter(0, 0, len as u32, sheet.headers.len() as u16 - 1)?;
    for (c, width) in widths.columns().enumerate() {
        ws.set_column_width(c as u16, width)?;
    }
    // Printed, each sheet fits the page width, in landscape, header on every page.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::display_width;

    #[test]
    fn display_width_counts_a_chinese_character_as_two_and_anything_else_as_one() {
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("pipe-07"), 7);
        assert_eq!(display_width("重庆 A1"), 7);
        // Two-, three- and four-byte characters alike (é, 污, 𠀀).
        assert_eq!(display_width("é污𠀀x"), 7);
        for s in ["污水零直排区 zone", "组团·07", "\u{7f}\u{80}"] {
            let by_chars: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            assert_eq!(display_width(s), by_chars, "{s}");
        }
    }
}
