//! Blocks to an editable Word document (DOCX, by the docx-rs crate): bureaus edit and stamp
//! Word documents before they submit them. Headings are Word's own heading styles, tables
//! are Word tables, figures are PNG pictures; the East Asian font is 宋体, as on a Chinese
//! desktop.

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BreakType, Docx, Paragraph, Pic, Run, RunFonts, Style, StyleType, Table,
    TableCell, TableRow,
};

use super::doc::{Block, Document};

/// Sizes in half-points.
const BODY: usize = 21;
const NOTE: usize = 18;
const TITLE: usize = 44;

/// Text width of an A4 page with Word's default margins, in EMU (15.9 cm).
const TEXT_WIDTH_EMU: f64 = 5_724_000.0;

fn text(t: &str) -> Run {
    Run::new().add_text(t)
}

fn para(t: &str) -> Paragraph {
    Paragraph::new().add_run(text(t))
}

fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            cells
                .iter()
                .map(|c| {
                    let run = if bold { text(c).bold() } else { text(c) };
                    TableCell::new().add_paragraph(Paragraph::new().add_run(run))
                })
                .collect(),
        )
    };
    let mut all = Vec::with_capacity(rows.len() + 1);
    if !headers.is_empty() {
        all.push(row(headers, true));
    }
    all.extend(rows.iter().map(|r| row(r, false)));
    Table::new(all)
}

/// The DOCX bytes of `d`.
pub fn docx(d: &Document) -> Result<Vec<u8>> {
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().east_asia("宋体").ascii("Times New Roman"))
        .default_size(BODY)
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(32)
                .bold(),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(26)
                .bold(),
        );
    for block in &d.blocks {
        doc = match block {
            Block::Cover { title, lines } => {
                let mut doc = doc.add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(text(title).size(TITLE).bold()),
                );
                for l in lines {
                    doc = doc.add_paragraph(para(l).align(AlignmentType::Center));
                }
                doc
            }
            Block::Heading(level, t) => {
                doc.add_paragraph(para(t).style(if *level <= 1 { "Heading1" } else { "Heading2" }))
            }
            Block::Para(t) => doc.add_paragraph(para(t)),
            Block::Note(t) => {
                doc.add_paragraph(Paragraph::new().add_run(text(t).size(NOTE).color("666666")))
            }
            Block::KeyValues(kv) => {
                let rows: Vec<Vec<String>> =
                    kv.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
                doc.add_table(table(&[], &rows))
            }
            Block::Table { headers, rows } => doc.add_table(table(headers, rows)),
            Block::Figure {
                svg,
                width,
                caption,
            } => {
                let png = crate::render::png::png(svg).context("a figure of the report")?;
                let (w, h) = png_size(&png)?;
                let emu_w = (TEXT_WIDTH_EMU * width.clamp(0.1, 1.0)) as u32;
                let emu_h = (emu_w as f64 * h as f64 / w.max(1) as f64) as u32;
                let pic = Pic::new_with_dimensions(png, w, h).size(emu_w, emu_h);
                doc.add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_image(pic)),
                )
                .add_paragraph(para(caption).align(AlignmentType::Center))
            }
            Block::Checklist(items) => items
                .iter()
                .fold(doc, |doc, i| doc.add_paragraph(para(&format!("☐ {i}")))),
            Block::Qr { text: t, .. } => doc.add_paragraph(para(t)),
            Block::PageBreak => {
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .context("cannot write the DOCX")?;
    Ok(out.into_inner())
}

/// A PNG's width and height in pixels, from its IHDR chunk.
fn png_size(png: &[u8]) -> Result<(u32, u32)> {
    let be = |at: usize| {
        png.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match (be(16), be(20)) {
        (Some(w), Some(h)) if png.starts_with(b"\x89PNG") => Ok((w, h)),
        _ => anyhow::bail!("a figure of the report is not a PNG"),
    }
}
