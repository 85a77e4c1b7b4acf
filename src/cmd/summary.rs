//! What `zdz analyze` says on the terminal when it is done: where the files went, what
//! was loaded, the problems by code, where the clusters stand against acceptance, what the
//! ledger recorded, and every note and warning. In the user's language (`locales/zdz.yml`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rust_i18n::t;

use zdz::contract::{CampaignStatus, ReadinessGroup};
use zdz::load::survey::Applied;
use zdz::outcome::Outcome;
use zdz::publish::summary::Timings;

/// The filled survey workbook's answers were applied.
pub fn survey_applied(path: &Path, applied: &Applied) {
    eprintln!(
        "{}",
        t!(
            "analyze.survey",
            file = path.display(),
            answers = applied.answers,
            skipped = applied.skipped_rows
        )
    );
}

/// Everything the run found, after its files were written into `out`.
pub fn analysis(out: &Path, o: Outcome, timings: &Timings) {
    written_and_loaded(out, o, timings);
    readiness(o);
    campaign(o);
    ledger(o);
    problems_by_code(o);
    notes(o);
    super::warn::print(&zdz::analysis::warnings::warnings(o.loaded));
}

fn written_and_loaded(out: &Path, o: Outcome, timings: &Timings) {
    let (loaded, l) = (o.loaded, &o.loaded.layers);
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
            n = o.analysis.problems.len(),
            ms = timings.analyze_ms,
            write = timings.write_ms
        )
    );
}

/// The in-scope clusters by readiness group: every one in exactly one group.
fn readiness(o: Outcome) {
    let readiness = o.readiness;
    let groups: HashMap<ReadinessGroup, usize> = readiness.group_counts().into_iter().collect();
    let n = |g: ReadinessGroup| groups.get(&g).copied().unwrap_or(0);
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
            ready = n(ReadinessGroup::Ready),
            vetoed = n(ReadinessGroup::Veto),
            near = n(ReadinessGroup::OneOrTwo),
            far = n(ReadinessGroup::ThreeOrMore),
            unreachable = n(ReadinessGroup::Unreachable)
        )
    );
}

/// The clusters whose deadline has passed without acceptance, first: the city's first
/// question.
fn campaign(o: Outcome) {
    let overdue: Vec<String> = o
        .loaded
        .layers
        .clusters
        .iter()
        .zip(&o.analysis.clusters)
        .zip(&o.campaign.clusters)
        .filter(|(_, s)| **s == CampaignStatus::Overdue)
        .map(|((c, r), _)| format!("{} ({})", c.id, r.deadline))
        .collect();
    let n = |s: CampaignStatus| o.campaign.clusters.iter().filter(|c| **c == s).count();
    eprintln!(
        "{}",
        t!(
            "analyze.campaign",
            as_of = o.campaign.as_of,
            accepted = n(CampaignStatus::Accepted),
            recheck = n(CampaignStatus::Recheck),
            overdue = n(CampaignStatus::Overdue),
            due = n(CampaignStatus::Due),
            list = if overdue.is_empty() {
                String::new()
            } else {
                t!("analyze.overdue_list", list = overdue.join(", ")).into_owned()
            }
        )
    );
}

fn ledger(o: Outcome) {
    let Some(v) = o.ledger else { return };
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
            dismissed = o.readiness.excluded.len()
        )
    );
}

fn problems_by_code(o: Outcome) {
    let mut counts = BTreeMap::new();
    for p in &o.analysis.problems {
        *counts.entry(p.code).or_insert(0) += 1;
    }
    for (code, n) in counts {
        eprintln!("  {:>6}  {:<28} {}", n, code.as_str(), code.label_zh());
    }
}

/// The load's findings other than geometry (those are problems of their own).
fn notes(o: Outcome) {
    for finding in o
        .loaded
        .layers
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
                message = finding.said(zdz::i18n::chinese())
            )
        );
    }
}
