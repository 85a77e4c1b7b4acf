//! A report as plain blocks — headings, paragraphs, key–value lists, tables, figures,
//! checklists, page breaks — which the typst and HTML writers render alike, so the PDF and
//! the HTML say the same thing.

/// One block of a report.
#[derive(Debug, Clone)]
pub enum Block {
    /// The cover's title and the lines under it.
    Cover {
        title: String,
        lines: Vec<String>,
    },
    Heading(u8, String),
    Para(String),
    /// Small grey text: sources, caveats.
    Note(String),
    KeyValues(Vec<(String, String)>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// An SVG figure, its width as a share of the text width, and its caption.
    Figure {
        svg: String,
        width: f64,
        caption: String,
    },
    /// Items to tick off.
    Checklist(Vec<String>),
    /// A QR code (SVG) with the text under it, centred.
    Qr {
        svg: String,
        size_mm: f64,
        text: String,
    },
    PageBreak,
}

/// Paper sizes the reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A5,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    /// A stable identifier (the PDF's document id is derived from it).
    pub ident: String,
    /// The running header of every page.
    pub header: String,
    pub paper: Paper,
    pub blocks: Vec<Block>,
    /// The language it is written in (its figure numbering, hyphenation, `lang`).
    pub lang: crate::contract::Lang,
}
