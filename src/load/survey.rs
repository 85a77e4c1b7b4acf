//! A filled-in survey workbook read back (`zdz analyze <ws> --survey filled.xlsx`): the
//! manual answers a bureau typed into the 组团园区 and 源 企业 sheets (在线监控, 责任主体 …,
//! 雨污分流, 初期雨水) override the layers' own. A row naming an id the workspace does not
//! have, or an answer that cannot be read, is reported with its sheet and row and changes
//! nothing; an empty cell leaves the layer's answer as it was.

use rust_i18n::t;
use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, Xlsx, open_workbook};

use super::values;
use crate::contract::{ANSWER_SHEETS, AnswerKind, LayerKind, LoadFault, MANUAL_FIELDS};
use crate::model::{Answer, Answers, FindingKind, Layers, LoadFinding};

/// A cell as text; numbers as they print (an id typed as a number keeps no `.0`).
pub fn cell_text(d: &Data) -> Option<String> {
    let s = match d {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    };
    (!s.is_empty()).then_some(s)
}

/// How many answers a workbook changed, for the run's summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Applied {
    pub answers: usize,
    pub skipped_rows: usize,
}

/// Apply the answers of `path` to the layers; findings go into `layers.findings`.
pub fn apply(layers: &mut Layers, path: &Path) -> Result<Applied> {
    let mut book: Xlsx<_> = open_workbook(path)
        .with_context(|| format!("{}: cannot open as an .xlsx workbook", path.display()))?;
    let place = path.display().to_string();
    let mut applied = Applied::default();
    let mut found_any = false;
    for (layer, sheet, id_header) in ANSWER_SHEETS {
        let Ok(range) = book.worksheet_range(sheet) else {
            continue;
        };
        found_any = true;
        let mut rows = range.rows();
        let Some(header) = rows.next() else { continue };
        let header: Vec<String> = header
            .iter()
            .map(|c| cell_text(c).unwrap_or_default())
            .collect();
        let Some(id_col) = header.iter().position(|h| h == id_header) else {
            bail!(
                "{}",
                t!(
                    "err.survey_no_column",
                    place = place,
                    sheet = sheet,
                    column = id_header
                )
            );
        };
        let columns: Vec<(usize, &crate::contract::ManualField)> = MANUAL_FIELDS
            .iter()
            .filter(|f| f.layer == layer)
            .filter_map(|f| header.iter().position(|h| h == f.label_zh).map(|c| (c, f)))
            .collect();
        let ids: HashMap<String, usize> = match layer {
            LayerKind::Clusters => index(layers.clusters.iter().map(|c| &c.id)),
            _ => index(layers.enterprises.iter().map(|e| &e.id)),
        };
        for (r, row) in rows.enumerate() {
            // Spreadsheet rows count from 1, and row 1 is the header.
            let row_no = r + 2;
            let Some(id) = row.get(id_col).and_then(cell_text) else {
                continue;
            };
            let finding =
                |fault: LoadFault| LoadFinding::new(layer, &id, FindingKind::Value, fault, false);
            let Some(&i) = ids.get(&id) else {
                layers.findings.push(finding(LoadFault::SurveyRowUnknown {
                    place: place.to_string(),
                    sheet: sheet.to_string(),
                    row: row_no,
                    layer,
                    id: id.clone(),
                }));
                applied.skipped_rows += 1;
                continue;
            };
            let mut answers: Vec<(&'static str, Answer)> = Vec::new();
            let mut bad = Vec::new();
            for (c, f) in &columns {
                let Some(v) = row.get(*c).and_then(cell_text) else {
                    continue;
                };
                match f.kind {
                    AnswerKind::Text => answers.push((f.name, Answer::Text(v))),
                    AnswerKind::YesNo => match values::parse_bool(&v) {
                        Ok(b) => answers.push((f.name, Answer::YesNo(b))),
                        Err(why) => bad.push(LoadFault::SurveyAnswer {
                            place: place.to_string(),
                            sheet: sheet.to_string(),
                            row: row_no,
                            column: f.label_zh.to_string(),
                            why,
                        }),
                    },
                }
            }
            for fault in bad {
                layers.findings.push(finding(fault));
            }
            let target: &mut Answers = match layer {
                LayerKind::Clusters => &mut layers.clusters[i].answers,
                _ => &mut layers.enterprises[i].answers,
            };
            for (name, answer) in answers {
                target.insert(name, answer);
                applied.answers += 1;
            }
        }
    }
    if !found_any {
        bail!("{}", t!("err.survey_no_sheet", place = place));
    }
    Ok(applied)
}

fn index<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id.clone()).or_insert(i);
    }
    map
}
