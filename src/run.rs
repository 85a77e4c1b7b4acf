//! One run, three faces: `zdz analyze`, `zdz report` and `zdz serve` each load a workspace
//! (with a filled survey workbook's answers, when given), analyse it, consult the ledger
//! and score every cluster, here and only here; each command then decides what to do with
//! the run (files, reports, a served snapshot). A new step of a run is added once, in
//! `assess`.
//!
//! Loading and assessing are two calls, so that a command may work beside the assessment
//! on what is loaded (`zdz analyze` writes the workspace's own layers into `results.gpkg`
//! meanwhile).

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;

use crate::analysis::{self, Analysis};
use crate::campaign::Campaign;
use crate::ledger::{self, Ledger};
use crate::load::{self, Loaded, survey};
use crate::network;
use crate::outcome::Outcome;
use crate::readiness::{self, Readiness};
use crate::timing::phase;

/// A workspace as a run reads it: the loaded layers with the survey's answers applied.
pub struct Input {
    pub loaded: Loaded,
    /// What the filled survey workbook gave, when one was given.
    pub survey: Option<survey::Applied>,
    pub load_ms: u128,
}

/// Load `workspace`, turn every pipe to its direction of flow (`network::flow`), and
/// apply the answers of the filled-in survey workbook `survey`.
pub fn load(workspace: &str, survey: Option<&Path>) -> Result<Input> {
    let t0 = Instant::now();
    let mut loaded = load::load(workspace)?;
    let params = loaded.project.params;
    loaded.layers.flow = phase("load: direction of flow", || {
        network::flow::orient(&mut loaded.layers, params.snap_m, params.flat_m)
    });
    let survey = survey
        .map(|path| survey::apply(&mut loaded.layers, path))
        .transpose()?;
    Ok(Input {
        loaded,
        survey,
        load_ms: t0.elapsed().as_millis(),
    })
}

/// Add the inspections entered in the browser, which the ledger keeps, to the workspace's
/// (of each outfall and date once; `ledger::inspections::merge_into`).
pub fn add_ledger_inspections(loaded: &mut Loaded, ledger: &Ledger) -> Result<()> {
    let added = ledger::inspections::merge_into(ledger.store(), &mut loaded.layers)?;
    if added > 0 {
        tracing::info!(
            added,
            "inspections entered in the browser read from the ledger"
        );
    }
    Ok(())
}

/// What a run does with the ledger.
#[derive(Clone, Copy)]
pub enum LedgerStep<'a> {
    /// No ledger: nothing is dismissed, no problem has a status.
    Without,
    /// Record this run and reconcile its problems (`zdz analyze`, `zdz serve`).
    Record(&'a Ledger),
    /// Read the ledger as it stands, recording nothing (`zdz report`).
    Read(&'a Ledger),
}

/// The run's findings on what it loaded: the analysis, the ledger as the outputs show it,
/// every cluster's readiness, and where each stands in the campaign.
pub struct Assessed {
    pub analysis: Analysis,
    pub ledger: Option<ledger::View>,
    pub readiness: Readiness,
    pub campaign: Campaign,
    pub analyze_ms: u128,
}

/// Analyse `loaded`, take the ledger `step`, score every cluster (the problems the ledger
/// dismissed left out), keep zdz's scores in the ledger when recording, and say where each
/// cluster stands in the campaign as of `as_of`.
pub fn assess(loaded: &Loaded, step: LedgerStep, as_of: NaiveDate) -> Result<Assessed> {
    let t0 = Instant::now();
    let analysis = analysis::analyze(&loaded.layers, &loaded.project);
    let (view, dismissed) = match step {
        LedgerStep::Without => (None, HashSet::new()),
        LedgerStep::Record(l) => {
            let (view, dismissed) = phase("ledger: record and reconcile", || {
                ledger::record_run_in(l, loaded, &analysis)
            })?;
            (Some(view), dismissed)
        }
        LedgerStep::Read(l) => {
            let (view, dismissed) = ledger::read_view_in(l, loaded)?;
            (Some(view), dismissed)
        }
    };
    let readiness = phase("readiness: score and plan", || {
        readiness::assess(
            &loaded.layers,
            &analysis,
            &loaded.project.rubric,
            &dismissed,
        )
    });
    if let (LedgerStep::Record(l), Some(v)) = (step, &view) {
        phase("ledger: record the scores", || {
            record_assessments(l, v.run.run_id, loaded, &readiness)
        })?;
    }
    let campaign = crate::campaign::assess(
        &loaded.layers,
        &analysis,
        view.as_ref(),
        &readiness.excluded,
        readiness.rubric.pass_line,
        as_of,
    );
    Ok(Assessed {
        analysis,
        ledger: view,
        readiness,
        campaign,
        analyze_ms: t0.elapsed().as_millis(),
    })
}

/// zdz's score, items and veto for every in-scope cluster, kept in the ledger beside the
/// official acceptance.
fn record_assessments(
    l: &Ledger,
    run_id: i64,
    loaded: &Loaded,
    readiness: &Readiness,
) -> Result<()> {
    let assessments: Vec<ledger::acceptance::Assessment> = loaded
        .layers
        .clusters
        .iter()
        .zip(&readiness.clusters)
        .filter_map(|(c, r)| {
            let r = r.as_ref()?;
            Some(ledger::acceptance::Assessment {
                cluster_id: &c.id,
                score: Some(crate::readiness::json::round2(r.score)),
                items: r
                    .items
                    .iter()
                    .map(|i| (i.id.clone(), crate::readiness::json::round2(i.points)))
                    .collect(),
                veto: r.veto.iter().map(|p| p.problem_id.clone()).collect(),
            })
        })
        .collect();
    ledger::acceptance::record_assessments(l.store(), run_id, &assessments)
}

impl Assessed {
    /// The run as the publishing stages read it; `show_ledger` false hides the ledger's
    /// fields (a service that does not publish them).
    pub fn outcome<'a>(&'a self, loaded: &'a Loaded, show_ledger: bool) -> Outcome<'a> {
        Outcome {
            loaded,
            analysis: &self.analysis,
            readiness: &self.readiness,
            campaign: &self.campaign,
            ledger: self.ledger.as_ref().filter(|_| show_ledger),
        }
    }
}

/// The ledger to use: the one named on the command line, else the project's.
pub fn ledger_url(given: Option<&str>, loaded: &Loaded) -> Option<String> {
    given
        .map(str::to_string)
        .or_else(|| loaded.project.ledger.clone())
}
