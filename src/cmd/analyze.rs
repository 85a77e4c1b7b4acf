//! `zdz analyze`: load, analyse, reconcile with the ledger when given one, score, and
//! write every output of docs/outputs.md into a folder swapped in whole.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use zdz::publish::{self, summary::Timings};
use zdz::run;

/// What `zdz analyze` was asked to do.
pub struct Options<'a> {
    pub out: &'a Path,
    pub force: bool,
    pub maps: bool,
    pub no_maps: bool,
    pub survey: Option<&'a Path>,
    /// Also write one survey workbook per in-scope cluster into `survey/`.
    pub survey_per_cluster: bool,
    pub ledger: Option<&'a str>,
    pub as_of: chrono::NaiveDate,
}

pub fn analyze(workspace: &str, opts: Options) -> Result<()> {
    let Options {
        out,
        force,
        maps,
        no_maps,
        survey,
        survey_per_cluster,
        ledger,
        as_of,
    } = opts;
    // Refused before loading, not after it: a national workspace takes seconds to load.
    publish::staging::Staging::refuse(out, force)?;
    let mut input = run::load(workspace, survey)?;
    if let (Some(path), Some(applied)) = (survey, &input.survey) {
        super::summary::survey_applied(path, applied);
    }
    let ledger = run::ledger_url(ledger, &input.loaded)
        .map(|url| zdz::ledger::Ledger::open(&url))
        .transpose()?;
    if let Some(l) = &ledger {
        run::add_ledger_inspections(&mut input.loaded, l)?;
    }
    let loaded = &input.loaded;
    let step = match &ledger {
        Some(l) => run::LedgerStep::Record(l),
        None => run::LedgerStep::Without,
    };
    publish::refuse_workspace_folder(out, loaded)?;
    let staging = publish::staging::Staging::begin(out, force)?;
    let out = staging.path().to_path_buf();
    let draw_maps = !no_maps && (maps || loaded.layers.clusters.len() <= publish::MAX_AUTO_MAPS);
    // The workspace's own layers go into results.gpkg while the analysis runs, on what
    // cores it leaves idle (`priority`), and beside the other files written after it.
    let yielding = zdz::priority::Yielding::default();
    let (assessed, timings, written) = std::thread::scope(|s| -> Result<_> {
        let early = s.spawn(|| yielding.run(|| publish::start_gpkg(&out, loaded)));
        let assessed = run::assess(loaded, step, as_of)?;
        yielding.end();
        let t2 = Instant::now();
        let mut timings = Timings {
            load_ms: input.load_ms,
            analyze_ms: assessed.analyze_ms,
            write_ms: 0,
        };
        let gpkg = move || {
            early
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("writing results.gpkg failed")))
        };
        let written = publish::write_all(
            &out,
            assessed.outcome(loaded, true),
            &timings,
            publish::Extras {
                maps: draw_maps,
                survey_per_cluster,
            },
            (gpkg, t2),
        )?;
        timings.write_ms = t2.elapsed().as_millis();
        Ok((assessed, timings, written))
    })?;
    zdz::fault::point("write");
    let out = staging.commit()?;
    super::summary::analysis(&out, assessed.outcome(loaded, true), &timings);
    // The process ends here: handing millions of features back to the allocator one by
    // one would only delay the exit (seconds at national scale); the OS takes it all.
    std::mem::forget(written);
    std::mem::forget(assessed);
    std::mem::forget(input);
    Ok(())
}
