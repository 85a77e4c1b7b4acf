//! `zdz analyze`: load, analyse, reconcile with the ledger when given one, score, and
//! write every output of SPEC §5 into a folder swapped in whole.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use rust_i18n::t;

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
    // Refused before loading, not after it: a national workspace takes seconds to load.
    publish::staging::Staging::refuse(out, force)?;
    let t0 = Instant::now();
    let mut loaded = load::load(workspace)?;
    if let Some(survey) = survey {
        let applied = load::survey::apply(&mut loaded.layers, survey)?;
        eprintln!(
            "{}",
            t!(
                "analyze.survey",
                file = survey.display(),
                answers = applied.answers,
                skipped = applied.skipped_rows
            )
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
    // The workspace's own layers go into results.gpkg while the analysis runs, on what
    // cores it leaves idle (`priority`), and beside the other files written after it.
    let yielding = zdz::priority::Yielding::default();
    let (result, readiness, view, timings, written) = std::thread::scope(|s| -> Result<_> {
        let early = s.spawn(|| yielding.run(|| publish::start_gpkg(&out, &loaded)));
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
        yielding.end();
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
        let written = publish::write_all(&out, o, &timings, draw_maps, (gpkg, t2))?;
        timings.write_ms = t2.elapsed().as_millis();
        Ok((result, readiness, view, timings, written))
    })?;
    zdz::fault::point("write");
    let out = staging.commit()?;

    let l = &loaded.layers;
    eprintln!(
        "{}",
        t!(
            "analyze.written",
            origin = loaded.origin,
            out = out.display(),
            crs = loaded.working_crs
        )
    );
    eprintln!(
        "{}",
        t!(
            "analyze.loaded",
            parks = l.parks.len(),
            clusters = l.clusters.len(),
            enterprises = l.enterprises.len(),
            pipes = l.pipes.len(),
            outfalls = l.outfalls.len(),
            plants = l.plants.len(),
            rivers = l.rivers.len(),
            ms = timings.load_ms
        )
    );
    eprintln!(
        "{}",
        t!(
            "analyze.problems",
            n = result.problems.len(),
            ms = timings.analyze_ms,
            write = timings.write_ms
        )
    );
    let groups: std::collections::HashMap<_, _> = readiness.group_counts().into_iter().collect();
    let n = |g: zdz::contract::ReadinessGroup| groups.get(&g).copied().unwrap_or(0);
    {
        use zdz::contract::ReadinessGroup as G;
        eprintln!(
            "{}",
            t!(
                "analyze.readiness",
                provisional = if readiness.rubric.provisional {
                    t!("analyze.provisional").into_owned()
                } else {
                    String::new()
                },
                scored = readiness.clusters.iter().flatten().count(),
                line = readiness.rubric.pass_line,
                ready = n(G::Ready),
                vetoed = n(G::Veto),
                near = n(G::OneOrTwo),
                far = n(G::ThreeOrMore),
                unreachable = n(G::Unreachable)
            )
        );
    }
    if let Some(v) = &view {
        eprintln!(
            "{}",
            t!(
                "analyze.ledger",
                location = v.location,
                run = v.run.run_id,
                new = v.run.new.len(),
                recurred = v.run.recurred.len(),
                gone = v.run.not_detected.len(),
                again = v.run.detected_again.len(),
                dismissed = readiness.excluded.len()
            )
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
            "{}",
            t!(
                "note",
                layer = finding.layer.name(),
                id = finding.feature_id,
                message = finding.message
            )
        );
    }
    super::warn::print(&zdz::analysis::warnings::warnings(&loaded));
    // The process ends here: handing millions of features back to the allocator one by
    // one would only delay the exit (seconds at national scale); the OS takes it all.
    std::mem::forget(written);
    std::mem::forget(result);
    std::mem::forget(readiness);
    std::mem::forget(loaded);
    Ok(())
}
