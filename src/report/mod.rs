//! Reports a bureau can submit (`zdz report`): per cluster a 排查整治报告 with its map, 源 网
//! 厂 口, the score and the fewest fixes, and the problem list (with the ledger's status when
//! given); the city's overview; and outfall signboards with QR codes. PDF through the typst
//! engine, with the fonts embedded; HTML self-contained. Written into a folder swapped in
//! whole, like `zdz analyze`'s.

/// The city's overview.
pub mod city;
/// One cluster's report.
pub mod cluster;
/// Reports as blocks both writers render.
pub mod doc;
/// Blocks to an editable Word document.
pub mod docx;
/// Blocks to self-contained HTML.
pub mod html;
/// Outfall signboards with QR codes.
pub mod signboards;
/// A spot check's field sheet.
pub mod spotcheck;
/// A cluster's 建设总结报告.
pub mod summary;
/// Blocks to PDF through typst.
pub mod typst;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::outcome::Outcome;
use crate::render::map::MapIndex;
use doc::Document;

/// What `zdz report` writes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cluster ids to report on; empty: every in-scope cluster.
    pub clusters: Vec<String>,
    pub pdf: bool,
    pub html: bool,
    /// Where the web map is, for the signboards' QR codes.
    pub base_url: Option<String>,
    /// Write each cluster's 建设总结报告 (PDF, HTML as asked, and DOCX) instead of the
    /// other reports, with the districts' text read from this folder.
    pub summary: Option<PathBuf>,
    /// The documents' language (Chinese unless asked).
    pub lang: crate::contract::Lang,
}

/// What `write` wrote, the narratives it looked for in vain, and why it wrote no
/// signboards when it did not.
pub struct Written {
    pub files: Vec<PathBuf>,
    pub missing_narratives: Vec<PathBuf>,
    pub signboards_skipped: Option<NotInTheField>,
}

/// Why an address would not open for the people in the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotInTheField {
    /// None was given.
    Missing,
    /// This one is a loopback or unspecified address.
    ThisComputerOnly(String),
}

/// `url` when the people in the field can reach it: not missing, and not a loopback or
/// unspecified address (a QR code printed with one points nowhere).
pub fn field_url(url: Option<&str>) -> Result<&str, NotInTheField> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Err(NotInTheField::Missing);
    };
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    let local = name.eq_ignore_ascii_case("localhost")
        || name.starts_with("127.")
        || name == "::1"
        || name == "0.0.0.0"
        || name == "::"
        || name.is_empty();
    if local {
        Err(NotInTheField::ThisComputerOnly(url.to_string()))
    } else {
        Ok(url)
    }
}

fn write_doc(dir: &Path, stem: &str, d: &Document, opts: &Options) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if opts.pdf {
        let p = dir.join(format!("{stem}.pdf"));
        crate::atomic::write_atomically(&p, &typst::pdf(d)?)?;
        out.push(p);
    }
    if opts.html {
        let p = dir.join(format!("{stem}.html"));
        crate::atomic::write_atomically(&p, html::html(d).as_bytes())?;
        out.push(p);
    }
    Ok(out)
}

/// Write the reports into `dir` (which exists).
pub fn write(o: Outcome, dir: &Path, opts: &Options) -> Result<Written> {
    let l = &o.loaded.layers;
    let chosen: Vec<usize> = if opts.clusters.is_empty() {
        (0..l.clusters.len())
            .filter(|i| o.analysis.clusters[*i].in_scope())
            .collect()
    } else {
        let mut v = Vec::new();
        for id in &opts.clusters {
            match l.clusters.iter().position(|c| &c.id == id) {
                Some(i) => v.push(i),
                None => bail!(
                    "{}",
                    rust_i18n::t!(
                        "report.no_cluster",
                        id = id,
                        some = l
                            .clusters
                            .iter()
                            .take(20)
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                ),
            }
        }
        v
    };
    if let Some(narratives) = &opts.summary {
        return write_summaries(o, dir, &chosen, narratives, opts);
    }
    let maps = MapIndex::new(o, opts.lang);
    let mut files: Vec<PathBuf> = chosen
        .par_iter()
        .map(|i| {
            let d = cluster::document(o, &maps, *i);
            write_doc(
                dir,
                &crate::publish::overview::sanitize(&l.clusters[*i].id),
                &d,
                opts,
            )
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    files.extend(write_doc(
        dir,
        "overview",
        &city::document(o, &maps)?,
        opts,
    )?);
    let mut signboards_skipped = None;
    if opts.pdf {
        match field_url(opts.base_url.as_deref()) {
            Ok(base) => {
                let d = signboards::document(o, &chosen, base, opts.lang)?;
                let p = dir.join("signboards.pdf");
                crate::atomic::write_atomically(&p, &typst::pdf(&d)?)?;
                files.push(p);
            }
            Err(why) => signboards_skipped = Some(why),
        }
    }
    Ok(Written {
        files,
        missing_narratives: Vec::new(),
        signboards_skipped,
    })
}

/// Each chosen cluster's 建设总结报告, as PDF/HTML as asked and always as DOCX.
fn write_summaries(
    o: Outcome,
    dir: &Path,
    chosen: &[usize],
    narratives: &Path,
    opts: &Options,
) -> Result<Written> {
    let l = &o.loaded.layers;
    let mut written = Written {
        files: Vec::new(),
        missing_narratives: Vec::new(),
        signboards_skipped: None,
    };
    for i in chosen {
        let id = &l.clusters[*i].id;
        // The text entered on the cluster's page, else the district's file.
        let narrative =
            summary::ledger_narrative(o, id).or_else(|| summary::read_narrative(narratives, id));
        if narrative.is_none() {
            written
                .missing_narratives
                .push(summary::narrative_path(narratives, id));
        }
        let d = summary::document(o, *i, narrative.as_ref(), opts.lang)?;
        let stem = format!("{}-建设总结报告", crate::publish::overview::sanitize(id));
        written.files.extend(write_doc(dir, &stem, &d, opts)?);
        let p = dir.join(format!("{stem}.docx"));
        crate::atomic::write_atomically(&p, &docx::docx(&d)?)?;
        written.files.push(p);
    }
    Ok(written)
}
