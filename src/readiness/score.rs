//! Score a cluster's state on the rubric: each item's points with what counted, the veto,
//! and the total. Pure arithmetic on `ClusterState`; the planner scores the states its
//! actions lead to with the same functions.

use serde::Serialize;

use super::state::{ClusterState, Fields, Member};
use crate::project::rubric::{Condition, Formula, Item, Rubric};

/// What an item counted, to defend its points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Counted {
    /// `met` of `of` members meet the condition.
    Share { met: usize, of: usize },
    /// The cluster's problems of the item's codes.
    Deduction { problems: usize },
    /// Members of the population the cluster holds.
    Presence { members: usize },
    /// Plants receiving the cluster's sewage, and how many of them have a problem of the
    /// item's codes.
    ReceivingPlants { receiving: usize, failing: usize },
    /// The cluster's answer: yes, no, or none (unanswered).
    Manual { answered: bool, holds: bool },
}

/// One item's points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    pub id: String,
    pub points: f64,
    pub max: f64,
    pub counted: Counted,
}

/// A share's condition with its fields as bits, checked on every member.
pub struct Need<'a> {
    condition: &'a Condition,
    field: Fields,
    answers: Fields,
}

impl<'a> Need<'a> {
    pub fn of(condition: &'a Condition) -> Need<'a> {
        Need {
            condition,
            field: Fields::of(condition.field.as_slice()),
            answers: Fields::of(&condition.answers),
        }
    }

    /// Whether a member meets the condition.
    pub fn met(&self, state: &ClusterState, m: &Member) -> bool {
        !state.has_open_on(m, &self.condition.without)
            && m.given.contains_all(self.field)
            && m.yes.contains_all(self.answers)
            && (!self.condition.inspected_dry || m.inspected_dry)
    }
}

/// One item's points on the state.
pub fn item(state: &ClusterState, item: &Item) -> ItemScore {
    let p = item.points;
    let (points, counted) = match &item.formula {
        Formula::Share {
            of,
            condition,
            when_empty,
        } => {
            let need = Need::of(condition);
            let (mut met, mut members) = (0, 0);
            for (_, m) in state.each_member(*of) {
                members += 1;
                met += need.met(state, m) as usize;
            }
            let points = if members == 0 {
                *when_empty
            } else {
                p * met as f64 / members as f64
            };
            (points, Counted::Share { met, of: members })
        }
        Formula::Deduction { codes, per } => {
            let n = state.count(codes);
            (
                (p - per * n as f64).max(0.0),
                Counted::Deduction { problems: n },
            )
        }
        Formula::Presence { of } => {
            let n = state.each_member(*of).count();
            (
                if n > 0 { p } else { 0.0 },
                Counted::Presence { members: n },
            )
        }
        Formula::ReceivingPlants { without } => {
            let failing = state
                .plants
                .iter()
                .filter(|m| state.has_open_on(m, without))
                .count();
            let ok = !state.plants.is_empty() && failing == 0;
            (
                if ok { p } else { 0.0 },
                Counted::ReceivingPlants {
                    receiving: state.plants.len(),
                    failing,
                },
            )
        }
        Formula::Manual { field } => {
            let answer = state.answers.get(field);
            let holds = answer.is_some_and(|a| a.holds());
            (
                if holds { p } else { 0.0 },
                Counted::Manual {
                    answered: answer.is_some(),
                    holds,
                },
            )
        }
    };
    ItemScore {
        id: item.id.clone(),
        points,
        max: p,
        counted,
    }
}

/// Every item's points, in the rubric's order.
pub fn items(state: &ClusterState, rubric: &Rubric) -> Vec<ItemScore> {
    rubric.items.iter().map(|i| item(state, i)).collect()
}

/// The total of the items.
pub fn total(state: &ClusterState, rubric: &Rubric) -> f64 {
    rubric.items.iter().map(|i| item(state, i).points).sum()
}

/// The problems that veto acceptance (indexes into the state's problems).
pub fn vetoes(state: &ClusterState, rubric: &Rubric) -> Vec<usize> {
    state
        .open_problems()
        .filter(|(_, p)| rubric.veto.contains(&p.code))
        .map(|(i, _)| i)
        .collect()
}

/// Scores are sums of fractions such as 15 × 6/7: compare them with this much slack.
pub const EPSILON: f64 = 1e-7;

/// Ready: at or above the pass line, and no veto.
pub fn ready(state: &ClusterState, rubric: &Rubric) -> bool {
    vetoes(state, rubric).is_empty() && total(state, rubric) >= rubric.pass_line - EPSILON
}
