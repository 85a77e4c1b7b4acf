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

/// The populations whose fields a share may ask to be given (storm outfalls have the
/// outfalls'): with every manual answer of the contract, the member fields a rubric reads.
const GIVING: [Population; 3] = [
    Population::Enterprises,
    Population::Outfalls,
    Population::Pipes,
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A field's bit: its place among the populations' fields (`Population::fields`), then
/// among the manual ones.
const fn field_bit(field: &str) -> Option<u32> {
    let mut at = 0;
    let mut p = 0;
    while p < GIVING.len() {
        let fields = GIVING[p].fields();
        let mut i = 0;
        while i < fields.len() {
            if same(fields[i], field) {
                return Some(1 << at);
            }
            at += 1;
            i += 1;
        }
        p += 1;
    }
    let manual = &crate::contract::MANUAL_FIELDS;
    let mut j = 0;
    while j < manual.len() {
        if same(manual[j].name, field) {
            return Some(1 << (at + j));
        }
        j += 1;
    }
    None
}

/// A set of a member's fields, as bits: the 2.7 million members of a national workspace
/// cost no allocation each for what they have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields(u32);

impl Fields {
    /// The set of these fields (unknown names are no member field and add nothing).
    pub const fn of(fields: &[&str]) -> Fields {
        let mut bits = 0;
        let mut i = 0;
        while i < fields.len() {
            if let Some(b) = field_bit(fields[i]) {
                bits |= b;
            }
            i += 1;
        }
        Fields(bits)
    }

    pub fn contains(self, field: &str) -> bool {
        self.contains_all(Fields::of(&[field]))
    }

    /// Whether every field of `other` is in the set.
    pub fn contains_all(self, other: Fields) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, field: &str) {
        debug_assert!(
            field_bit(field).is_some(),
            "{field} is no member field a rubric reads"
        );
        self.0 |= Fields::of(&[field]).0;
    }

    pub fn remove(&mut self, field: &str) {
        self.0 &= !Fields::of(&[field]).0;
    }

    fn union(self, other: Fields) -> Fields {
        Fields(self.0 | other.0)
    }
}

/// An enterprise, outfall, pipe or receiving plant of the cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    /// Its place in its layer (`Layers::enterprises` …): `member_id` names it.
    pub at: usize,
    /// Its problems, as indexes into the state's problems.
    pub problems: Vec<usize>,
    /// Contract fields it has a value for (`permit_no`, `diameter_mm` …).
    pub given: Fields,
    /// Manual answers it has (`separated` …), and which of them are yes.
    pub answered: Fields,
    pub yes: Fields,
    /// An outfall with an inspection in dry weather.
    pub inspected_dry: bool,
    /// A storm outfall.
    pub storm: bool,
}

impl Member {
    pub fn answered_yes(&self, field: &str) -> bool {
        self.yes.contains(field)
    }

    pub fn has_answer(&self, field: &str) -> bool {
        self.answered.contains(field)
    }

    /// Take this answer to a manual question.
    pub fn answer(&mut self, field: &str, yes: bool) {
        self.answered.insert(field);
        if yes {
            self.yes.insert(field);
        } else {
            self.yes.remove(field);
        }
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
        self.each_member(of).collect()
    }

    /// The members of a population, one by one, with their index in their list.
    pub fn each_member(&self, of: Population) -> impl Iterator<Item = (usize, &Member)> {
        self.layer(of.layer())
            .iter()
            .enumerate()
            .filter(move |(_, m)| of != Population::StormOutfalls || m.storm)
    }

    /// Member `index` of a population's list (storm outfalls index all outfalls).
    pub fn member(&self, of: Population, index: usize) -> &Member {
        &self.layer(of.layer())[index]
    }

    /// The list of a layer's members (plants: the receiving plants).
    fn layer(&self, layer: LayerKind) -> &Vec<Member> {
        match layer {
            LayerKind::Enterprises => &self.enterprises,
            LayerKind::Outfalls => &self.outfalls,
            LayerKind::Pipes => &self.pipes,
            _ => &self.plants,
        }
    }

    fn layer_mut(&mut self, layer: LayerKind) -> &mut Vec<Member> {
        match layer {
            LayerKind::Enterprises => &mut self.enterprises,
            LayerKind::Outfalls => &mut self.outfalls,
            LayerKind::Pipes => &mut self.pipes,
            _ => &mut self.plants,
        }
    }

    fn members_mut(&mut self, of: Population) -> &mut Vec<Member> {
        self.layer_mut(of.layer())
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

    /// Whether a member has a problem not fixed whose code is one of `codes`.
    pub fn has_open_on(&self, member: &Member, codes: &[ProblemCode]) -> bool {
        member
            .problems
            .iter()
            .any(|p| !self.fixed[*p] && codes.contains(&self.problems[*p].code))
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
                    member.answer(f, true);
                }
            }
            Action::GiveField(of, m, field) => {
                self.members_mut(*of)[*m].given.insert(field);
            }
            Action::InspectDry(o) => self.outfalls[*o].inspected_dry = true,
        }
    }
}

/// Fields of each layer a share may ask to be given (`Population::fields`, read here).
fn given_fields(layers: &Layers, layer: LayerKind, i: usize) -> Fields {
    let has: &[(Fields, bool)] = match layer {
        LayerKind::Enterprises => {
            let e = &layers.enterprises[i];
            &[
                (const { Fields::of(&["permit_no"]) }, e.permit_no.is_some()),
                (
                    const { Fields::of(&["credit_code"]) },
                    e.credit_code.is_some(),
                ),
                (const { Fields::of(&["industry"]) }, e.industry.is_some()),
                (
                    const { Fields::of(&["wastewater_tpd"]) },
                    e.wastewater_tpd.is_some(),
                ),
            ]
        }
        LayerKind::Outfalls => {
            let o = &layers.outfalls[i];
            &[
                (
                    const { Fields::of(&["receiving_water"]) },
                    o.receiving_water.is_some(),
                ),
                (const { Fields::of(&["name"]) }, o.name.is_some()),
            ]
        }
        LayerKind::Pipes => {
            let p = &layers.pipes[i];
            &[
                (
                    const { Fields::of(&["diameter_mm"]) },
                    p.diameter_mm.is_some(),
                ),
                (const { Fields::of(&["from_node"]) }, p.from_node.is_some()),
                (const { Fields::of(&["to_node"]) }, p.to_node.is_some()),
            ]
        }
        _ => &[],
    };
    has.iter()
        .filter(|(_, h)| *h)
        .fold(Fields::default(), |g, (f, _)| g.union(*f))
}

/// The id of a member: the feature at `at` in `layer`.
pub fn member_id(layers: &Layers, layer: LayerKind, at: usize) -> &str {
    match layer {
        LayerKind::Enterprises => &layers.enterprises[at].id,
        LayerKind::Outfalls => &layers.outfalls[at].id,
        LayerKind::Pipes => &layers.pipes[at].id,
        _ => &layers.plants[at].id,
    }
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
    // some 80,000 problems.
    type Fast = foldhash::fast::RandomState;
    let with_problems = super::named::Named::new(
        analysis
            .problems
            .iter()
            .filter(counted)
            .map(|p| (p.layer, p.feature_id.as_str())),
    );
    let mut slot: HashMap<(LayerKind, &str), Vec<(usize, usize)>, Fast> = HashMap::default();
    // A member into its cluster's list, and its place there kept when a problem names it.
    let mut add = |layer: LayerKind, c: usize, member: Member| {
        let id = member_id(layers, layer, member.at);
        let list = out[c].layer_mut(layer);
        list.push(member);
        if with_problems.contains(layer, id) {
            slot.entry((layer, id))
                .or_default()
                .push((c, list.len() - 1));
        }
    };
    for (i, (e, r)) in layers
        .enterprises
        .iter()
        .zip(&analysis.enterprises)
        .enumerate()
    {
        if let Some(c) = r.cluster {
            let mut m = Member {
                at: i,
                given: given_fields(layers, LayerKind::Enterprises, i),
                ..Member::default()
            };
            for (k, v) in &e.answers {
                if let Answer::YesNo(yes) = v {
                    m.answer(k, *yes);
                }
            }
            add(LayerKind::Enterprises, c, m);
        }
    }
    for (i, (o, r)) in layers.outfalls.iter().zip(&analysis.outfalls).enumerate() {
        if let Some(c) = r.cluster {
            let m = Member {
                at: i,
                given: given_fields(layers, LayerKind::Outfalls, i),
                inspected_dry: r.latest.dry.is_some(),
                storm: o.kind == Some(OutfallKind::Storm),
                ..Member::default()
            };
            add(LayerKind::Outfalls, c, m);
        }
    }
    for (i, c) in analysis.pipe_clusters.iter().enumerate() {
        if let Some(c) = *c {
            let m = Member {
                at: i,
                given: given_fields(layers, LayerKind::Pipes, i),
                ..Member::default()
            };
            add(LayerKind::Pipes, c, m);
        }
    }
    for (c, r) in analysis.clusters.iter().enumerate() {
        for plant in &r.downstream.plants {
            let m = Member {
                at: *plant,
                ..Member::default()
            };
            add(LayerKind::Plants, c, m);
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
                    state.layer_mut(p.layer)[*at].problems.push(index);
                }
            }
        }
    }
    debug_assert_eq!(out.len(), n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_givable_and_manual_field_has_a_bit_of_its_own() {
        let names: Vec<&str> = GIVING
            .iter()
            .flat_map(|p| p.fields().iter().copied())
            .chain(crate::contract::MANUAL_FIELDS.iter().map(|f| f.name))
            .collect();
        assert!(
            names.len() <= 32,
            "{} fields do not fit in 32 bits",
            names.len()
        );
        let mut seen = Fields::default();
        for name in &names {
            let one = Fields::of(&[name]);
            assert_ne!(one, Fields::default(), "{name} has no bit");
            assert!(!seen.contains_all(one), "{name} shares a bit");
            seen.insert(name);
        }
        assert_eq!(Fields::of(&["no_such_field"]), Fields::default());
        let mut m = Member::default();
        m.answer("separated", true);
        m.answer("first_flush", false);
        assert!(m.answered_yes("separated") && m.has_answer("first_flush"));
        assert!(!m.answered_yes("first_flush") && !m.has_answer("permit_no"));
        m.answer("separated", false);
        assert!(!m.answered_yes("separated"));
    }
}
