//! Acceptance readiness (验收): each in-scope cluster scored on the rubric (评分细则) out
//! of 100, its veto, whether it is ready (score ≥ the pass line and no veto), the manual
//! answers still missing, and the fewest actions that make it ready.
//!
//! Runs after the analysis (and after the ledger, whose dismissed problems do not count);
//! pure: no I/O.

/// Readiness as JSON: `readiness.json`, the API and the clusters' columns.
pub mod json;
/// The feature ids some problem names.
mod named;
/// The fewest actions that make a cluster ready.
pub mod plan;
/// Score a cluster on the rubric.
pub mod score;
/// A cluster as the rubric sees it, and the actions that change it.
pub mod state;

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::contract::{LayerKind, ProblemCode, ReadinessGroup};
use crate::model::Layers;
use crate::project::Rubric;
use crate::project::rubric::Formula;
use plan::Plan;
use score::ItemScore;
use state::{ClusterState, ProblemRef};

/// A manual answer the rubric reads that nobody has given yet (待填报).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unanswered {
    pub item: String,
    pub layer: LayerKind,
    pub feature_id: String,
    pub fields: Vec<&'static str>,
}

/// One in-scope cluster's readiness.
#[derive(Debug, Clone)]
pub struct ClusterReadiness {
    pub score: f64,
    pub ready: bool,
    /// The problems that veto it.
    pub veto: Vec<ProblemRef>,
    pub items: Vec<ItemScore>,
    pub unanswered: Vec<Unanswered>,
    pub plan: Plan,
    /// The problems it was scored on, which the plan's fixes refer to.
    pub problems: Vec<ProblemRef>,
}

impl ClusterReadiness {
    /// The number of actions to ready: 0 when ready, none when unreachable.
    pub fn actions_to_ready(&self) -> Option<usize> {
        match &self.plan {
            Plan::Ready => Some(0),
            Plan::Actions { actions, .. } => Some(actions.len()),
            Plan::Unreachable { .. } => None,
        }
    }

    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Its readiness group.
    pub fn group(&self) -> ReadinessGroup {
        ReadinessGroup::of(self.ready, !self.veto.is_empty(), self.actions_to_ready())
    }
}

/// Every cluster's readiness (`None`: out of scope) and problem counts, with the rubric
/// it was scored on.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub rubric: Rubric,
    pub clusters: Vec<Option<ClusterReadiness>>,
    /// Problems per cluster and code, the excluded (dismissed) ones left out.
    pub problem_counts: Vec<BTreeMap<ProblemCode, usize>>,
    /// Problem ids left out of counts and scores.
    pub excluded: HashSet<String>,
}

impl Readiness {
    /// Where cluster `cluster` stands: its readiness group.
    pub fn group(&self, cluster: usize) -> ReadinessGroup {
        match &self.clusters[cluster] {
            None => ReadinessGroup::OutOfScope,
            Some(r) => r.group(),
        }
    }

    /// How many clusters are in each group, every group present (zero where none is).
    pub fn group_counts(&self) -> Vec<(ReadinessGroup, usize)> {
        ReadinessGroup::ALL
            .into_iter()
            .map(|g| {
                (
                    g,
                    (0..self.clusters.len())
                        .filter(|i| self.group(*i) == g)
                        .count(),
                )
            })
            .collect()
    }

    /// The clusters' problems of every code, excluded ones left out.
    pub fn problem_count(&self, cluster: usize) -> usize {
        self.problem_counts[cluster].values().sum()
    }
}

/// The manual answers the rubric reads that the state lacks.
fn unanswered(
    layers: &Layers,
    cluster_id: &str,
    state: &ClusterState,
    rubric: &Rubric,
) -> Vec<Unanswered> {
    let mut out = Vec::new();
    for item in &rubric.items {
        match &item.formula {
            Formula::Manual { field } if !state.answers.contains_key(field) => {
                out.push(Unanswered {
                    item: item.id.clone(),
                    layer: LayerKind::Clusters,
                    feature_id: cluster_id.to_string(),
                    fields: vec![field],
                });
            }
            Formula::Share { of, condition, .. } if !condition.answers.is_empty() => {
                for (_, m) in state.members(*of) {
                    let missing: Vec<&'static str> = condition
                        .answers
                        .iter()
                        .copied()
                        .filter(|a| !m.has_answer(a))
                        .collect();
                    if !missing.is_empty() {
                        out.push(Unanswered {
                            item: item.id.clone(),
                            layer: of.layer(),
                            feature_id: state::member_id(layers, of.layer(), m.at).to_string(),
                            fields: missing,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Score every in-scope cluster and plan its way to ready; problems in `excluded` (by id)
/// count nowhere.
pub fn assess(
    layers: &Layers,
    analysis: &Analysis,
    rubric: &Rubric,
    excluded: &HashSet<String>,
) -> Readiness {
    let states = crate::timing::phase("readiness: cluster states", || {
        state::states(layers, analysis, excluded)
    });
    let problem_counts: Vec<BTreeMap<ProblemCode, usize>> = states
        .iter()
        .map(|s| {
            let mut counts = BTreeMap::new();
            for p in &s.problems {
                *counts.entry(p.code).or_insert(0) += 1;
            }
            counts
        })
        .collect();
    let clusters = states
        .into_par_iter()
        .zip(&analysis.clusters)
        .zip(&layers.clusters)
        .map(|((state, result), cluster)| {
            if !result.in_scope() {
                return None;
            }
            let items = score::items(&state, rubric);
            let total: f64 = items.iter().map(|i| i.points).sum();
            let veto: Vec<ProblemRef> = score::vetoes(&state, rubric)
                .into_iter()
                .map(|p| state.problems[p].clone())
                .collect();
            let names = |layer, at| state::member_id(layers, layer, at).to_string();
            Some(ClusterReadiness {
                score: total,
                ready: veto.is_empty() && total >= rubric.pass_line - score::EPSILON,
                veto,
                items,
                unanswered: unanswered(layers, &cluster.id, &state, rubric),
                plan: plan::plan(&state, rubric, &names),
                problems: state.problems,
            })
        })
        .collect();
    Readiness {
        rubric: rubric.clone(),
        clusters,
        problem_counts,
        excluded: excluded.clone(),
    }
}
