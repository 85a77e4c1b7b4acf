//! The spot check's sheet to fill in on site (抽查.xlsx): one row per item drawn, the
//! columns `ledger::spotcheck::HEADERS` names, 核查结果 a drop-down of 合格/不合格; what
//! `zdz ledger import` reads back.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{DataValidation, Format, Workbook};

use crate::ledger::spotcheck::{FAIL, HEADERS, Item, PASS, SHEET};

/// Write the sheet of check `check_id` over `items` to `path`.
pub fn write(path: &Path, check_id: &str, items: &[Item]) -> Result<()> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 6 { 28 } else { 12 })?;
    }
    for (r, item) in items.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            check_id.to_string(),
            (r + 1).to_string(),
            item.cluster_id.clone(),
            item.kind.label_zh().to_string(),
            item.feature_id.clone(),
            item.problem_id.clone().unwrap_or_default(),
            item.label.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, v)?;
        }
    }
    if !items.is_empty() {
        let result = DataValidation::new().allow_list_strings(&[PASS, FAIL])?;
        ws.add_data_validation(1, 7, items.len() as u32, 7, &result)?;
    }
    let tmp = path.with_extension("xlsx.tmp");
    book.save(&tmp)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
