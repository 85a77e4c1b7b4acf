//! A cluster as the rubric sees it: its problems, its enterprises, outfalls and pipes with
//! what each has (fields given, answers, a dry-weather inspection), the plants that receive
//! its sewage, and its own manual answers; and the actions that change it. Scoring and
//! planning both work on this state, so a plan is checked by scoring the state it leads to.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::analysis::Analysis;
use crate::contract::{LayerKind, ProblemCode};
use crate::model::{Answer, Layers, OutfallKind};
use crate::project::rubric::Population;

/// A problem of the cluster, as scoring needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemRef {
    pub problem_id: String,
    pub code: ProblemCode,
    pub layer: LayerKind,
    pub feature_id: String,
}

/// An enterprise, outfall, pipe or receiving plant of the cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    pub id: String,
    /// Its problems, as indexes into the state's problems.
    pub problems: Vec<usize>,
    /// Contract fields it has a value for (`permit_no`, `diameter_mm` …).
    pub given: Vec<&'static str>,
    /// Manual answers it has, yes or no.
    pub answers: BTreeMap<&'static str, bool>,
    /// An outfall with an inspection in dry weather.
    pub inspected_dry: bool,
    /// A storm outfall.
    pub storm: bool,
}

impl Member {
    pub fn answered_yes(&self, field: &str) -> bool {
        self.answers.get(field).copied() == Some(true)
    }
}

/// One cluster's state for the rubric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterState {
    pub problems: Vec<ProblemRef>,
    /// Problems taken as fixed (by a planned action).
    pub fixed: Vec<bool>,
    pub enterprises: Vec<Member>,
    pub outfalls: Vec<Member>,
    pub pipes: Vec<Member>,
    /// The plants that receive the cluster's sewage.
    pub plants: Vec<Member>,
    /// The cluster's own manual answers.
    pub answers: BTreeMap<&'static str, Answer>,
}

/// Something a bureau can do to raise a cluster's score (issue 11 §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Fix one problem of the cluster (index into its problems).
    Fix(usize),
    /// Answer one cluster question yes (`plant_online` …).
    Answer(&'static str),
    /// Answer these manual questions yes for one member (S3: `separated`, `first_flush`).
    AnswerMember(Population, usize, Vec<&'static str>),
    /// Give one member a value for a field (S2: a permit number; D1: a diameter).
    GiveField(Population, usize, &'static str),
    /// Inspect one outfall in dry weather and find it dry (O2).
    InspectDry(usize),
}

impl ClusterState {
    /// The members of a population (storm outfalls are the outfalls of kind storm).
    pub fn members(&self, of: Population) -> Vec<(usize, &Member)> {
        let all = match of {
            Population::Enterprises => &self.enterprises,
            Population::Outfalls | Population::StormOutfalls => &self.outfalls,
            Population::Pipes => &self.pipes,
        };
        all.iter()
            .enumerate()
            .filter(|(_, m)| of != Population::StormOutfalls || m.storm)
            .collect()
    }

    fn members_mut(&mut self, of: Population) -> &mut Vec<Member> {
        match of {
            Population::Enterprises => &mut self.enterprises,
            Population::Outfalls | Population::StormOutfalls => &mut self.outfalls,
            Population::Pipes => &mut self.pipes,
        }
    }

    /// The problems not fixed, with their index.
    pub fn open_problems(&self) -> impl Iterator<Item = (usize, &ProblemRef)> {
        self.problems
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.fixed[*i])
    }

    /// Problems not fixed whose code is one of `codes`.
    pub fn count(&self, codes: &[ProblemCode]) -> usize {
        self.open_problems()
            .filter(|(_, p)| codes.contains(&p.code))
            .count()
    }

    /// A member's problems not fixed whose code is one of `codes`.
    pub fn open_on(&self, member: &Member, codes: &[ProblemCode]) -> Vec<usize> {
        member
            .problems
            .iter()
            .copied()
            .filter(|p| !self.fixed[*p] && codes.contains(&self.problems[*p].code))
            .collect()
    }

    pub fn apply(&mut self, action: &Action) {
        match action {
            Action::Fix(p) => self.fixed[*p] = true,
            Action::Answer(field) => {
                let answer = match crate::contract::manual_field(LayerKind::Clusters, field) {
                    Some(f) if f.kind == crate::contract::AnswerKind::Text => {
                        Answer::Text("(待填报 to be named)".into())
                    }
                    _ => Answer::YesNo(true),
                };
                self.answers.insert(field, answer);
            }
            Action::AnswerMember(of, m, fields) => {
                let member = &mut self.members_mut(*of)[*m];
                for f in fields {
                    member.answers.insert(f, true);
                }
            }
            Action::GiveField(of, m, field) => {
                let member = &mut self.members_mut(*of)[*m];
                if !member.given.contains(field) {
                    member.given.push(field);
                }
            }
            Action::InspectDry(o) => self.outfalls[*o].inspected_dry = true,
        }
    }
}

/// Fields of each layer a share may ask to be given (`Population::fields`, read here).
fn given_fields(layers: &Layers, layer: LayerKind, i: usize) -> Vec<&'static str> {
    let mut given = Vec::new();
    match layer {
        LayerKind::Enterprises => {
            let e = &layers.enterprises[i];
            for (name, has) in [
                ("permit_no", e.permit_no.is_some()),
                ("credit_code", e.credit_code.is_some()),
                ("industry", e.industry.is_some()),
                ("wastewater_tpd", e.wastewater_tpd.is_some()),
            ] {
                if has {
                    given.push(name);
                }
            }
        }
        LayerKind::Outfalls => {
            let o = &layers.outfalls[i];
            for (name, has) in [
                ("receiving_water", o.receiving_water.is_some()),
                ("name", o.name.is_some()),
            ] {
                if has {
                    given.push(name);
                }
            }
        }
        LayerKind::Pipes => {
            let p = &layers.pipes[i];
            for (name, has) in [
                ("diameter_mm", p.diameter_mm.is_some()),
                ("from_node", p.from_node.is_some()),
                ("to_node", p.to_node.is_some()),
            ] {
                if has {
                    given.push(name);
                }
            }
        }
        _ => {}
    }
    given
}

/// Every cluster's state, indexed like the clusters, from the analysis; problems whose id
/// is in `excluded` (dismissed in the ledger) are left out.
pub fn states(
    layers: &Layers,
    analysis: &Analysis,
    excluded: &HashSet<String>,
) -> Vec<ClusterState> {
    let n = layers.clusters.len();
    let cluster_index: HashMap<&str, usize> =
        crate::analysis::context::by_id(layers.clusters.iter().map(|c| c.id.as_str()));
    let mut out: Vec<ClusterState> = layers
        .clusters
        .iter()
        .map(|c| ClusterState {
            answers: c.answers.iter().map(|(k, v)| (*k, v.clone())).collect(),
            ..ClusterState::default()
        })
        .collect();

    let counted = |p: &&crate::analysis::problem::Problem| !excluded.contains(&p.problem_id);
    // Members, and where each member with a problem sits in its cluster's list: only
    // those are looked up, and a national workspace has 2.7 million members against
    // some 12,000 problems.
    let with_problems: HashSet<(LayerKind, &str)> = analysis
        .problems
        .iter()
        .filter(counted)
        .map(|p| (p.layer, p.feature_id.as_str()))
        .collect();
    let mut slot: HashMap<(LayerKind, &str), Vec<(usize, usize)>> = HashMap::new();
    let add = |out: &mut Vec<ClusterState>, layer: LayerKind, c: usize, member: Member| {
        let list = match layer {
            LayerKind::Enterprises => &mut out[c].enterprises,
            LayerKind::Outfalls => &mut out[c].outfalls,
            LayerKind::Pipes => &mut out[c].pipes,
            _ => &mut out[c].plants,
        };
        list.push(member);
        list.len() - 1
    };
    for (i, (e, r)) in layers
        .enterprises
        .iter()
        .zip(&analysis.enterprises)
        .enumerate()
    {
        if let Some(c) = r.cluster {
            let m = Member {
                id: e.id.clone(),
                given: given_fields(layers, LayerKind::Enterprises, i),
                answers: e
                    .answers
                    .iter()
                    .filter_map(|(k, v)| match v {
                        Answer::YesNo(b) => Some((*k, *b)),
                        Answer::Text(_) => None,
                    })
                    .collect(),
                ..Member::default()
            };
            let at = add(&mut out, LayerKind::Enterprises, c, m);
            let key = (LayerKind::Enterprises, e.id.as_str());
            if with_problems.contains(&key) {
                slot.entry(key).or_default().push((c, at));
            }
        }
    }
    for (i, (o, r)) in layers.outfalls.iter().zip(&analysis.outfalls).enumerate() {
        if let Some(c) = r.cluster {
            let m = Member {
                id: o.id.clone(),
                given: given_fields(layers, LayerKind::Outfalls, i),
                inspected_dry: r.latest.dry.is_some(),
                storm: o.kind == Some(OutfallKind::Storm),
                ..Member::default()
            };
            let at = add(&mut out, LayerKind::Outfalls, c, m);
            let key = (LayerKind::Outfalls, o.id.as_str());
            if with_problems.contains(&key) {
                slot.entry(key).or_default().push((c, at));
            }
        }
    }
    for (i, (p, c)) in layers.pipes.iter().zip(&analysis.pipe_clusters).enumerate() {
        if let Some(c) = *c {
            let m = Member {
                id: p.id.clone(),
                given: given_fields(layers, LayerKind::Pipes, i),
                ..Member::default()
            };
            let at = add(&mut out, LayerKind::Pipes, c, m);
            let key = (LayerKind::Pipes, p.id.as_str());
            if with_problems.contains(&key) {
                slot.entry(key).or_default().push((c, at));
            }
        }
    }
    for (c, r) in analysis.clusters.iter().enumerate() {
        for plant in &r.downstream.plants {
            let id = layers.plants[*plant].id.as_str();
            let m = Member {
                id: id.to_string(),
                ..Member::default()
            };
            let at = add(&mut out, LayerKind::Plants, c, m);
            slot.entry((LayerKind::Plants, id))
                .or_default()
                .push((c, at));
        }
    }

    for p in analysis.problems.iter().filter(counted) {
        for cid in &p.cluster_ids {
            let Some(&c) = cluster_index.get(cid.as_str()) else {
                continue;
            };
            let state = &mut out[c];
            state.problems.push(ProblemRef {
                problem_id: p.problem_id.clone(),
                code: p.code,
                layer: p.layer,
                feature_id: p.feature_id.clone(),
            });
            state.fixed.push(false);
            let index = state.problems.len() - 1;
            for (mc, at) in slot
                .get(&(p.layer, p.feature_id.as_str()))
                .into_iter()
                .flatten()
            {
                if *mc == c {
                    let list = match p.layer {
                        LayerKind::Enterprises => &mut state.enterprises,
                        LayerKind::Outfalls => &mut state.outfalls,
                        LayerKind::Pipes => &mut state.pipes,
                        _ => &mut state.plants,
                    };
                    list[*at].problems.push(index);
                }
            }
        }
    }
    debug_assert_eq!(out.len(), n);
    out
}
