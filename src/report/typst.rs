//! A report to PDF through the typst typesetting engine, used as a library: the blocks
//! become typst markup (every data text as a string literal, never as markup), figures are
//! virtual SVG files, the fonts are Debian's fonts-noto-cjk, embedded (subset) in the PDF.
//! The same input gives the same bytes: the document id comes from the report's ident and
//! the creation date from `SOURCE_DATE_EPOCH` when it is set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Result, anyhow, bail};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::doc::{Block, Document, Paper};

/// Folders fonts are looked for in.
const FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/usr/share/fonts/opentype",
];

fn find_fonts(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            find_fonts(&p, out);
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            (n.starts_with("NotoSansCJK") || n.starts_with("NotoSerifCJK"))
                && (n.ends_with(".ttc") || n.ends_with(".otf"))
        }) {
            out.push(p);
        }
    }
}

/// The CJK fonts, loaded once; a clear error naming the package when there are none.
type Fonts = (LazyHash<FontBook>, Vec<Font>);

fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut files = Vec::new();
            for d in FONT_DIRS {
                find_fonts(Path::new(d), &mut files);
            }
            files.sort();
            files.dedup();
            let mut fonts = Vec::new();
            for f in files {
                if let Ok(bytes) = std::fs::read(&f) {
                    fonts.extend(Font::iter(Bytes::new(bytes)));
                }
            }
            if fonts.is_empty() {
                return Err("no CJK font found for the reports: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)".into());
            }
            let book = FontBook::from_fonts(&fonts);
            Ok((LazyHash::new(book), fonts))
        })
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("report file names are plain"),
    )
    .intern()
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().expect("fonts were loaded before compiling").0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(PathBuf::from("(report file)")))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().ok()?.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// A string as a typst string literal: data text never becomes markup.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn datetime(t: chrono::DateTime<chrono::Utc>) -> Datetime {
    use chrono::{Datelike, Timelike};
    Datetime::from_ymd_hms(
        t.year(),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .expect("a valid time")
}

/// How wide a text reads, in half-em units: a CJK character two, others one.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// Column widths: a column of short cells, or of cells that cannot break (identifiers,
/// permit numbers), as wide as its content (`auto`); the columns of longer text share what
/// is left, by their longest cell. A table of short columns only is as narrow as it can be.
fn column_widths(headers: &[String], rows: &[Vec<String>]) -> String {
    let unbreakable = |s: &str| !s.chars().any(|c| c == ' ' || (c as u32) >= 0x2E80);
    let widths: Vec<String> = (0..headers.len().max(1))
        .map(|i| {
            let cells = || rows.iter().filter_map(|r| r.get(i));
            let longest = std::iter::once(headers.get(i))
                .flatten()
                .chain(cells())
                .map(|s| display_width(s))
                .max()
                .unwrap_or(1);
            if longest <= 14 || cells().all(|c| unbreakable(c)) {
                "auto".to_string()
            } else {
                format!("{}fr", longest.min(40))
            }
        })
        .collect();
    format!("({},)", widths.join(", "))
}

/// The typst markup of a document; figures named `fig-N.svg`.
fn markup(doc: &Document) -> (String, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();
    let paper = match doc.paper {
        Paper::A4 => "a4",
        Paper::A5 => "a5",
    };
    let mut m = format!(
        "#set document(title: {title}, author: \"zdz\")\n\
         #set page(paper: \"{paper}\", margin: (x: 1.8cm, y: 2cm), header: align(right, text(size: 8pt, fill: gray, {header})), numbering: \"1 / 1\")\n\
         #set text(font: (\"Noto Serif CJK SC\", \"Noto Sans CJK SC\"), size: 10pt, {lang})\n\
         #show heading: set text(font: \"Noto Sans CJK SC\")\n\
         #set table(stroke: 0.4pt + luma(160), inset: 4pt)\n\
         #show table: set text(size: 8.5pt)\n",
        title = lit(&doc.title),
        header = lit(&doc.header),
        lang = doc
            .lang
            .pick("lang: \"zh\", region: \"cn\"", "lang: \"en\"")
    );
    // A figure keeps the headings and paragraphs just before it on its page.
    let mut kept_from: Option<usize> = None;
    for (i, b) in doc.blocks.iter().enumerate() {
        let leads = matches!(b, Block::Heading(..) | Block::Para(_));
        if leads && kept_from.is_none() {
            let figure_follows = doc.blocks[i..]
                .iter()
                .find(|x| !matches!(x, Block::Heading(..) | Block::Para(_)))
                .is_some_and(|x| matches!(x, Block::Figure { .. }));
            if figure_follows {
                kept_from = Some(i);
                m += "#block(breakable: false)[\n";
            }
        }
        match b {
            Block::Cover { title, lines } => {
                m += &format!(
                    "#v(4cm)\n#align(center, text(font: \"Noto Sans CJK SC\", size: 22pt, weight: \"bold\", {}))\n#v(1.2cm)\n",
                    lit(title)
                );
                for l in lines {
                    m += &format!("#align(center, text(size: 13pt, {}))\n#v(0.3cm)\n", lit(l));
                }
            }
            Block::Heading(level, text) => {
                m += &format!("#heading(level: {level}, {})\n", lit(text));
            }
            Block::Para(text) => m += &format!("#par({})\n", lit(text)),
            Block::Note(text) => m += &format!("#text(size: 8pt, fill: gray, {})\n\n", lit(text)),
            Block::KeyValues(kv) => {
                m += "#table(columns: (auto, 1fr), stroke: none,\n";
                for (k, v) in kv {
                    m += &format!("  text(weight: \"bold\", {}), {},\n", lit(k), lit(v));
                }
                m += ")\n";
            }
            Block::Table { headers, rows } => {
                m += &format!(
                    "#table(columns: {},\n  table.header(",
                    column_widths(headers, rows)
                );
                m += &headers
                    .iter()
                    .map(|h| format!("text(weight: \"bold\", {})", lit(h)))
                    .collect::<Vec<_>>()
                    .join(", ");
                m += "),\n";
                for r in rows {
                    m += "  ";
                    for (i, cell) in r.iter().enumerate() {
                        if i > 0 {
                            m += ", ";
                        }
                        m += &lit(cell);
                    }
                    m += ",\n";
                }
                m += ")\n";
            }
            Block::Figure {
                svg,
                width,
                caption,
            } => {
                let name = format!("fig-{}.svg", files.len() + 1);
                m += &format!(
                    "#figure(image({}, width: {:.0}%), caption: {})\n",
                    lit(&name),
                    width * 100.0,
                    lit(caption)
                );
                files.push((name, svg.clone().into_bytes()));
                if kept_from.take().is_some() {
                    m += "]\n";
                }
            }
            Block::Checklist(items) => {
                m += "#list(marker: box(width: 0.8em, height: 0.8em, stroke: 0.6pt, baseline: 0.1em),\n";
                for i in items {
                    m += &format!("  {},\n", lit(i));
                }
                m += ")\n";
            }
            Block::Qr { svg, size_mm, text } => {
                let name = format!("fig-{}.svg", files.len() + 1);
                m += &format!(
                    "#align(center, image({}, width: {size_mm}mm))\n#align(center, text(size: 8pt, {}))\n",
                    lit(&name),
                    lit(text)
                );
                files.push((name, svg.clone().into_bytes()));
            }
            Block::PageBreak => m += "#pagebreak()\n",
        }
    }
    (m, files)
}

/// Typeset a document into PDF bytes.
pub fn pdf(doc: &Document) -> Result<Vec<u8>> {
    fonts()?;
    let (text, figures) = markup(doc);
    let time = crate::clock::now();
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        main: Source::new(file_id("/main.typ"), text),
        files: figures
            .into_iter()
            .map(|(name, bytes)| (file_id(&format!("/{name}")), Bytes::new(bytes)))
            .collect(),
        today: datetime(time),
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = match compiled.output {
        Ok(d) => d,
        Err(errors) => {
            let detail: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            bail!("typesetting {} failed: {}", doc.title, detail.join("; "));
        }
    };
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(doc.ident.clone()),
        creator: Smart::Custom(Some(format!("zdz {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(typst_pdf::Timestamp::new_utc(datetime(time))),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        anyhow!(
            "writing the PDF of {} failed: {}",
            doc.title,
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_text_is_a_string_literal_never_markup() {
        assert_eq!(lit("a \"b\" \\ #c *d*"), "\"a \\\"b\\\" \\\\ #c *d*\"");
    }
}
