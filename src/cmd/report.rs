//! `zdz report`: load, analyse, read the ledger when given one (without recording a run),
//! score, and write the reports into a folder swapped in whole.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use rust_i18n::t;

use zdz::{publish, report, run};

/// What `zdz report` was asked to do.
pub struct Options<'a> {
    pub out: &'a Path,
    pub force: bool,
    pub clusters: Vec<String>,
    pub ledger: Option<&'a str>,
    pub formats: &'a [String],
    pub base_url: Option<&'a str>,
    pub survey: Option<&'a Path>,
    pub as_of: chrono::NaiveDate,
    /// Write the 建设总结报告 instead, with the districts' text from this folder (default:
    /// `总结/` beside the workspace).
    pub summary: Option<Option<&'a Path>>,
    /// The documents' language.
    pub lang: zdz::contract::Lang,
}

/// `pdf,html` → (pdf, html); a clear error on anything else.
fn formats(list: &[String]) -> Result<(bool, bool)> {
    let (mut pdf, mut html) = (false, false);
    for f in list.iter().flat_map(|f| f.split(',')).map(str::trim) {
        match f.to_ascii_lowercase().as_str() {
            "pdf" => pdf = true,
            "html" => html = true,
            "" => {}
            other => bail!("{}", t!("report.bad_format", format = other)),
        }
    }
    if !pdf && !html {
        bail!("{}", t!("report.bad_format", format = ""));
    }
    Ok((pdf, html))
}

pub fn report(workspace: &str, opts: Options) -> Result<()> {
    let (pdf, html) = formats(opts.formats)?;
    publish::staging::Staging::refuse(opts.out, opts.force)?;
    let t0 = Instant::now();
    let mut input = run::load(workspace, opts.survey)?;
    publish::refuse_workspace_folder(opts.out, &input.loaded)?;
    let ledger = run::ledger_url(opts.ledger, &input.loaded)
        .map(|url| zdz::ledger::Ledger::open(&url))
        .transpose()?;
    if let Some(l) = &ledger {
        run::add_ledger_inspections(&mut input.loaded, l)?;
    }
    let loaded = &input.loaded;
    let step = match &ledger {
        Some(l) => run::LedgerStep::Read(l),
        None => run::LedgerStep::Without,
    };
    let assessed = run::assess(loaded, step, opts.as_of)?;
    let staging = publish::staging::Staging::begin(opts.out, opts.force)?;
    let o = assessed.outcome(loaded, true);
    let written = zdz::timing::phase("report: typeset", || {
        report::write(
            o,
            staging.path(),
            &report::Options {
                clusters: opts.clusters,
                pdf,
                html,
                base_url: opts
                    .base_url
                    .map(str::to_string)
                    .or_else(|| loaded.project.info.base_url.clone())
                    .map(|b| b.trim_end_matches('/').to_string()),
                summary: opts.summary.map(|dir| {
                    dir.map(Path::to_path_buf)
                        .unwrap_or_else(|| loaded.project.base_dir.join("总结"))
                }),
                lang: opts.lang,
            },
        )
    })?;
    zdz::fault::point("write");
    let out = staging.commit()?;
    eprintln!(
        "{}",
        t!(
            "report.written",
            origin = loaded.origin,
            out = out.display(),
            files = written.files.len(),
            ms = t0.elapsed().as_millis()
        )
    );
    if let Some(why) = &written.signboards_skipped {
        let why = match why {
            report::NotInTheField::Missing => t!("report.no_base_url"),
            report::NotInTheField::ThisComputerOnly(url) => t!("report.local_base_url", url = url),
        };
        super::warn::print(&[zdz::analysis::warnings::Warning {
            code: "signboards_skipped",
            message: t!("report.signboards_skipped", why = why).into_owned(),
        }]);
    }
    if !written.missing_narratives.is_empty() {
        let files: Vec<String> = written
            .missing_narratives
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        super::warn::print(&[zdz::analysis::warnings::Warning {
            code: "narrative_missing",
            message: t!("report.narrative_missing", files = files.join(", ")).into_owned(),
        }]);
    }
    super::warn::print(&zdz::analysis::warnings::warnings(loaded));
    if let Some(v) = &assessed.ledger {
        eprintln!(
            "{}",
            t!(
                "report.ledger",
                location = v.location,
                entries = v.entries.len(),
                run = v.run.run_id
            )
        );
    }
    Ok(())
}
