//! `zdz analyze`: load, analyse, reconcile with the ledger when given one, score, and
//! write every output of SPEC §5 into a folder swapped in whole.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use zdz::analysis;
use zdz::load;
use zdz::publish::{self, summary::Timings};

/// What `zdz analyze` was asked to do.
pub struct Options<'a> {
    pub out: &'a Path,
    pub force: bool,
    pub maps: bool,
    pub no_maps: bool,
    pub survey: Option<&'a Path>,
    pub ledger: Option<&'a str>,
}

pub fn analyze(workspace: &str, opts: Options) -> Result<()> {
    let Options {
        out,
        force,
        maps,
        no_maps,
        survey,
        ledger,
    } = opts;
    let t0 = Instant::now();
    let mut loaded = load::load(workspace)?;
    if let Some(survey) = survey {
        let applied = load::survey::apply(&mut loaded.layers, survey)?;
        eprintln!(
            "zdz: {}: {} answers applied, {} rows skipped",
            survey.display(),
            applied.answers,
            applied.skipped_rows
        );
    }
    let loaded = loaded;
    let ledger = ledger
        .map(str::to_string)
        .or_else(|| loaded.project.ledger.clone());
    publish::refuse_workspace_folder(out, &loaded)?;
    let staging = publish::staging::Staging::begin(out, force)?;
    let out = staging.path().to_path_buf();
    let t1 = Instant::now();
    let draw_maps = !no_maps && (maps || loaded.layers.clusters.len() <= publish::MAX_AUTO_MAPS);
    // The workspace's own layers go into results.gpkg while the analysis runs, and while
    // the other files are written after it.
    let (result, readiness, view, timings) = std::thread::scope(|s| -> Result<_> {
        let early = s.spawn(|| publish::start_gpkg(&out, &loaded));
        let result = analysis::analyze(&loaded.layers, &loaded.project);
        let (view, dismissed) = match &ledger {
            Some(url) => {
                let (view, dismissed) = zdz::timing::phase("ledger: record and reconcile", || {
                    zdz::ledger::record_run(url, &loaded, &result)
                })?;
                (Some(view), dismissed)
            }
            None => (None, Default::default()),
        };
        let readiness = zdz::timing::phase("readiness: score and plan", || {
            zdz::readiness::assess(&loaded.layers, &result, &loaded.project.rubric, &dismissed)
        });
        let t2 = Instant::now();
        let mut timings = Timings {
            load_ms: (t1 - t0).as_millis(),
            analyze_ms: (t2 - t1).as_millis(),
            write_ms: 0,
        };
        let gpkg = move || {
            early
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("writing results.gpkg failed")))
        };
        let o = zdz::outcome::Outcome {
            loaded: &loaded,
            analysis: &result,
            readiness: &readiness,
            ledger: view.as_ref(),
        };
        publish::write_all(&out, o, &timings, draw_maps, (gpkg, t2))?;
        timings.write_ms = t2.elapsed().as_millis();
        Ok((result, readiness, view, timings))
    })?;
    zdz::fault::point("write");
    let out = staging.commit()?;

    let l = &loaded.layers;
    eprintln!(
        "zdz: {} → {} (working CRS {})",
        loaded.origin,
        out.display(),
        loaded.working_crs
    );
    eprintln!(
        "  loaded {} parks, {} clusters, {} enterprises, {} pipes, {} outfalls, {} plants, {} rivers in {} ms",
        l.parks.len(),
        l.clusters.len(),
        l.enterprises.len(),
        l.pipes.len(),
        l.outfalls.len(),
        l.plants.len(),
        l.rivers.len(),
        timings.load_ms
    );
    eprintln!(
        "  {} problems in {} ms; written in {} ms",
        result.problems.len(),
        timings.analyze_ms,
        timings.write_ms
    );
    let scored: Vec<&zdz::readiness::ClusterReadiness> =
        readiness.clusters.iter().flatten().collect();
    eprintln!(
        "  readiness{}: {} of {} in-scope clusters ready (≥ {}), {} vetoed, {} one or two actions away, {} unreachable",
        if readiness.rubric.provisional {
            " (暂行 provisional rubric)"
        } else {
            ""
        },
        scored.iter().filter(|r| r.ready).count(),
        scored.len(),
        readiness.rubric.pass_line,
        scored.iter().filter(|r| !r.veto.is_empty()).count(),
        scored
            .iter()
            .filter(|r| matches!(r.actions_to_ready(), Some(1 | 2)))
            .count(),
        scored
            .iter()
            .filter(|r| r.actions_to_ready().is_none())
            .count(),
    );
    if let Some(v) = &view {
        eprintln!(
            "  ledger {}: run {}: {} new, {} 反复 recurred, {} 不再检出 no longer detected, {} detected again; {} dismissed problems left out of scores",
            v.location,
            v.run.run_id,
            v.run.new.len(),
            v.run.recurred.len(),
            v.run.not_detected.len(),
            v.run.detected_again.len(),
            readiness.excluded.len()
        );
    }
    let mut counts = std::collections::BTreeMap::new();
    for p in &result.problems {
        *counts.entry(p.code).or_insert(0) += 1;
    }
    for (code, n) in counts {
        eprintln!("  {:>6}  {:<28} {}", n, code.as_str(), code.label_zh());
    }
    for finding in l
        .findings
        .iter()
        .filter(|f| f.kind != zdz::model::FindingKind::Geometry)
    {
        eprintln!(
            "  note: {} {}: {}",
            finding.layer.name(),
            finding.feature_id,
            finding.message
        );
    }
    // The process ends here: handing millions of features back to the allocator one by
    // one would only delay the exit (seconds at national scale); the OS takes it all.
    std::mem::forget(result);
    std::mem::forget(readiness);
    std::mem::forget(loaded);
    Ok(())
}
