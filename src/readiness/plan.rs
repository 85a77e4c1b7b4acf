//! The fewest actions that make a cluster ready (issue 11 §4), exactly.
//!
//! Every veto problem must be fixed. Then each item gets a gain curve: the most points
//! k actions on that item can add, with the actions that do it (an action changes one
//! item only: the rubric refuses a code counted by two items). A curve that is concave —
//! each further action adds no more than the one before — is merged with the others by
//! taking the largest gains first, which is exact for concave curves; the rest (an
//! enterprise both uncovered and unconnected needs two fixes for S1; a deduction scores
//! nothing until enough problems are fixed; P1 returns only when every overloaded plant
//! is) go through a small dynamic programme over the number of actions. The smallest
//! total whose gain covers the deficit is the answer; unit tests check it against brute
//! force.

use super::score::{self, EPSILON, Need};
use super::state::{Action, ClusterState};
use crate::contract::LayerKind;
use crate::project::rubric::{Formula, Item, Rubric};

/// One action of a plan: what to do, for which item (`None`: a veto problem), and the
/// points it adds when the plan's actions are taken in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub action: Action,
    pub item: Option<String>,
    pub points: f64,
    /// The id of the feature it is about (`None`: the cluster itself).
    pub feature_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Ready as it stands.
    Ready,
    /// These actions, in this order, make it ready with `score_after`.
    Actions {
        actions: Vec<Planned>,
        score_after: f64,
    },
    /// No set of actions reaches the pass line: the best score with every action, and why.
    Unreachable {
        best_score: f64,
        reason: Unreachable,
    },
}

/// Why no set of actions reaches the pass line: the best score with every action, and
/// each item that stays short of full points with its cause.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    pub best: f64,
    pub pass_line: f64,
    pub stuck: Vec<Stuck>,
}

/// An item no action brings to full points.
#[derive(Debug, Clone, PartialEq)]
pub struct Stuck {
    pub item: String,
    pub name_zh: String,
    pub name_en: String,
    pub at_most: f64,
    pub max: f64,
    pub cause: StuckCause,
}

/// What keeps an item short.
#[derive(Debug, Clone, PartialEq)]
pub enum StuckCause {
    /// The cluster holds no member of this population (`pipes` …).
    NoMember(&'static str),
    NoReceivingPlant,
    NoAction,
}

impl Unreachable {
    /// The reason as a sentence in `w`.
    pub fn said(&self, w: crate::contract::Lang) -> String {
        let stuck: Vec<String> = self
            .stuck
            .iter()
            .map(|s| {
                let cause = match s.cause {
                    StuckCause::NoMember(of) => w.stuck_no_member(w.population(of)),
                    StuckCause::NoReceivingPlant => w.stuck_no_plant(),
                    StuckCause::NoAction => w.stuck_no_action(),
                };
                w.stuck_item(
                    &s.item,
                    w.pick(&s.name_zh, &s.name_en),
                    format!("{:.2}", s.at_most),
                    s.max,
                    cause,
                )
            })
            .collect();
        w.unreachable(
            format!("{:.2}", self.best),
            self.pass_line,
            stuck.join(w.pick("；", "; ")),
        )
    }
}

/// The most points `k` actions on one item add (`gains[k]`), the actions in the order
/// they are taken, and how many of them `k` allows (`used[k]`).
struct Curve {
    item: usize,
    gains: Vec<f64>,
    used: Vec<usize>,
    seq: Vec<Action>,
}

impl Curve {
    fn none(item: usize) -> Curve {
        Curve {
            item,
            gains: vec![0.0],
            used: vec![0],
            seq: Vec::new(),
        }
    }

    fn max_k(&self) -> usize {
        self.gains.len() - 1
    }

    fn concave(&self) -> bool {
        self.gains
            .windows(3)
            .all(|w| w[2] - w[1] <= w[1] - w[0] + EPSILON)
    }
}

/// The actions that make a member meet a share's condition.
fn member_actions(
    state: &ClusterState,
    of: crate::project::rubric::Population,
    index: usize,
    c: &crate::project::rubric::Condition,
) -> Vec<Action> {
    let m = state.member(of, index);
    let mut out: Vec<Action> = state
        .open_on(m, &c.without)
        .into_iter()
        .map(Action::Fix)
        .collect();
    if let Some(f) = c.field
        && !m.given.contains(f)
    {
        out.push(Action::GiveField(of, index, f));
    }
    let missing: Vec<&'static str> = c
        .answers
        .iter()
        .copied()
        .filter(|a| !m.answered_yes(a))
        .collect();
    if !missing.is_empty() {
        out.push(Action::AnswerMember(of, index, missing));
    }
    if c.inspected_dry && !m.inspected_dry {
        out.push(Action::InspectDry(index));
    }
    out
}

fn curve(state: &ClusterState, at: usize, item: &Item) -> Curve {
    let p = item.points;
    match &item.formula {
        Formula::Share { of, condition, .. } => {
            let members = state.members(*of);
            if members.is_empty() {
                return Curve::none(at);
            }
            let unit = p / members.len() as f64;
            let need = Need::of(condition);
            let mut todo: Vec<Vec<Action>> = members
                .iter()
                .filter(|(_, m)| !need.met(state, m))
                .map(|(i, _)| member_actions(state, *of, *i, condition))
                .collect();
            // The cheapest members first: for members of equal worth that is the most
            // of them for any number of actions.
            todo.sort_by_key(Vec::len);
            let seq: Vec<Action> = todo.iter().flatten().cloned().collect();
            let mut gains = vec![0.0; seq.len() + 1];
            let mut used = vec![0; seq.len() + 1];
            let (mut done, mut cost) = (0usize, 0usize);
            for k in 1..=seq.len() {
                while done < todo.len() && cost + todo[done].len() <= k {
                    cost += todo[done].len();
                    done += 1;
                }
                gains[k] = unit * done as f64;
                used[k] = cost;
            }
            Curve {
                item: at,
                gains,
                used,
                seq,
            }
        }
        Formula::Deduction { codes, per } => {
            let mut fixes: Vec<usize> = state
                .open_problems()
                .filter(|(_, q)| codes.contains(&q.code))
                .map(|(i, _)| i)
                .collect();
            fixes.sort_by(|a, b| {
                state.problems[*a]
                    .problem_id
                    .cmp(&state.problems[*b].problem_id)
            });
            let n = fixes.len();
            let value = |left: usize| (p - per * left as f64).max(0.0);
            Curve {
                item: at,
                gains: (0..=n).map(|k| value(n - k) - value(n)).collect(),
                used: (0..=n).collect(),
                seq: fixes.into_iter().map(Action::Fix).collect(),
            }
        }
        Formula::Presence { .. } => Curve::none(at),
        Formula::ReceivingPlants { without } => {
            if state.plants.is_empty() {
                return Curve::none(at);
            }
            let fixes: Vec<usize> = state
                .plants
                .iter()
                .flat_map(|m| state.open_on(m, without))
                .collect();
            let m = fixes.len();
            if m == 0 {
                return Curve::none(at);
            }
            Curve {
                item: at,
                gains: (0..=m).map(|k| if k == m { p } else { 0.0 }).collect(),
                used: (0..=m).map(|k| if k == m { m } else { 0 }).collect(),
                seq: fixes.into_iter().map(Action::Fix).collect(),
            }
        }
        Formula::Manual { field } => {
            if state.answers.get(field).is_some_and(|a| a.holds()) {
                return Curve::none(at);
            }
            Curve {
                item: at,
                gains: vec![0.0, p],
                used: vec![0, 1],
                seq: vec![Action::Answer(field)],
            }
        }
    }
}

/// The largest gain with at most t actions over the non-concave curves, for every t, and
/// how many actions each curve takes to get it.
fn non_concave_table(curves: &[&Curve]) -> (Vec<f64>, Vec<Vec<usize>>) {
    let total: usize = curves.iter().map(|c| c.max_k()).sum();
    let mut best = vec![f64::NEG_INFINITY; total + 1];
    best[0] = 0.0;
    // choice[i][t]: actions curve i takes when the first i+1 curves take t in all.
    let mut choice: Vec<Vec<usize>> = Vec::with_capacity(curves.len());
    let mut reach = 0;
    for c in curves {
        let mut next = vec![f64::NEG_INFINITY; total + 1];
        let mut pick = vec![0usize; total + 1];
        for t in 0..=reach {
            if best[t] == f64::NEG_INFINITY {
                continue;
            }
            for (k, g) in c.gains.iter().enumerate() {
                let v = best[t] + g;
                if v > next[t + k] + EPSILON {
                    next[t + k] = v;
                    pick[t + k] = k;
                }
            }
        }
        reach += c.max_k();
        best = next;
        choice.push(pick);
    }
    // Back to per-curve counts for every total t (exactly t actions).
    let per_total: Vec<Vec<usize>> = (0..=total)
        .map(|t| {
            if best[t] == f64::NEG_INFINITY {
                return Vec::new();
            }
            let mut ks = vec![0; curves.len()];
            let mut left = t;
            for i in (0..curves.len()).rev() {
                ks[i] = choice[i][left];
                left -= ks[i];
            }
            ks
        })
        .collect();
    (best, per_total)
}

/// Why no set of actions reaches the pass line: the items that cannot reach full points.
fn why_unreachable(state: &ClusterState, rubric: &Rubric, curves: &[Curve]) -> Unreachable {
    let mut all = state.clone();
    for c in curves {
        for a in &c.seq {
            all.apply(a);
        }
    }
    let best = score::total(&all, rubric);
    let mut stuck = Vec::new();
    for item in &rubric.items {
        let s = score::item(&all, item);
        if s.points < s.max - EPSILON {
            let cause = match &item.formula {
                Formula::Presence { of } => StuckCause::NoMember(of.as_str()),
                Formula::ReceivingPlants { .. } => StuckCause::NoReceivingPlant,
                _ => StuckCause::NoAction,
            };
            stuck.push(Stuck {
                item: item.id.clone(),
                name_zh: item.name_zh.clone(),
                name_en: item.name_en.clone(),
                at_most: s.points,
                max: s.max,
                cause,
            });
        }
    }
    Unreachable {
        best,
        pass_line: rubric.pass_line,
        stuck,
    }
}

/// The id of a member's feature: its layer and its place there (`state::member_id`).
pub type Names<'a> = &'a dyn Fn(LayerKind, usize) -> String;

/// The feature an action is about (`None`: the cluster itself).
fn feature_id(state: &ClusterState, a: &Action, names: Names) -> Option<String> {
    match a {
        Action::Fix(p) => Some(state.problems[*p].feature_id.clone()),
        Action::Answer(_) => None,
        Action::AnswerMember(of, m, _) | Action::GiveField(of, m, _) => {
            Some(names(of.layer(), state.member(*of, *m).at))
        }
        Action::InspectDry(o) => Some(names(LayerKind::Outfalls, state.outfalls[*o].at)),
    }
}

/// The fewest actions that make the cluster ready; `names` gives the features' ids.
pub fn plan(state: &ClusterState, rubric: &Rubric, names: Names) -> Plan {
    if score::ready(state, rubric) {
        return Plan::Ready;
    }
    let mut after = state.clone();
    let forced: Vec<Action> = score::vetoes(state, rubric)
        .into_iter()
        .map(Action::Fix)
        .collect();
    for a in &forced {
        after.apply(a);
    }
    let base = score::total(&after, rubric);
    let deficit = rubric.pass_line - base;
    let curves: Vec<Curve> = rubric
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| curve(&after, i, item))
        .collect();
    let most: f64 = curves.iter().map(|c| c.gains[c.max_k()]).sum();
    if most < deficit - EPSILON {
        return Plan::Unreachable {
            best_score: base + most,
            reason: why_unreachable(&after, rubric, &curves),
        };
    }

    let (concave, rest): (Vec<&Curve>, Vec<&Curve>) = curves.iter().partition(|c| c.concave());
    // The concave curves' steps, largest first (each curve's own steps stay in order).
    let mut steps: Vec<(f64, usize, usize)> = concave
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| (1..=c.max_k()).map(move |k| (c.gains[k] - c.gains[k - 1], ci, k)))
        .collect();
    steps.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut prefix = vec![0.0];
    for (g, _, _) in &steps {
        prefix.push(prefix.last().expect("starts with 0") + g);
    }
    let (table, per_total) = non_concave_table(&rest);
    let mut best: Option<(usize, usize, usize)> = None; // (total, t, k)
    let mut ceiling = f64::NEG_INFINITY;
    for (t, gain) in table.iter().enumerate() {
        // With more actions, a lower gain than one already seen never helps.
        if *gain <= ceiling + EPSILON && t > 0 {
            continue;
        }
        ceiling = ceiling.max(*gain);
        let need = deficit - gain;
        let k = prefix.partition_point(|c| *c < need - EPSILON);
        if k < prefix.len() && best.is_none_or(|(n, _, _)| t + k < n) {
            best = Some((t + k, t, k));
        }
    }
    let (_, t, k) = best.expect("the deficit is within reach: checked above");

    let mut takes = vec![0usize; curves.len()];
    for (i, c) in rest.iter().enumerate() {
        takes[c.item] = per_total[t][i];
    }
    for (_, ci, _) in &steps[..k] {
        takes[concave[*ci].item] += 1;
    }
    // Items that gain most per action first; each item's actions in their own order.
    let mut chosen: Vec<(f64, usize, &[Action])> = curves
        .iter()
        .filter(|c| takes[c.item] > 0)
        .map(|c| {
            let k = takes[c.item];
            let n = c.used[k];
            (c.gains[k] / n.max(1) as f64, c.item, &c.seq[..n])
        })
        .filter(|(_, _, seq)| !seq.is_empty())
        .collect();
    chosen.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

    // `after` is the state with the veto fixes taken: undone, it is the state again,
    // without a second copy of its members.
    let mut state_now = after;
    state_now.fixed.clone_from(&state.fixed);
    debug_assert!(state_now == *state);
    let mut score_now = score::total(&state_now, rubric);
    let mut actions = Vec::new();
    let mut take = |action: &Action, item: Option<String>, state_now: &mut ClusterState| {
        state_now.apply(action);
        let s = score::total(state_now, rubric);
        actions.push(Planned {
            action: action.clone(),
            item,
            points: s - score_now,
            feature_id: feature_id(state_now, action, names),
        });
        score_now = s;
    };
    for a in &forced {
        take(a, None, &mut state_now);
    }
    for (_, item, seq) in chosen {
        for a in seq {
            take(a, Some(rubric.items[item].id.clone()), &mut state_now);
        }
    }
    debug_assert!(
        score::ready(&state_now, rubric),
        "a plan must make the cluster ready"
    );
    Plan::Actions {
        actions,
        score_after: score_now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{LayerKind, ProblemCode};
    use crate::model::Answer;
    use crate::project::rubric::{Formula, Population};
    use crate::readiness::state::{Fields, Member, ProblemRef};

    /// Test features are named by their layer's initial and their place.
    fn plan(state: &ClusterState, rubric: &Rubric) -> Plan {
        super::plan(state, rubric, &|layer, at| {
            format!("{}{at}", &layer.name()[..1])
        })
    }

    /// Every action that could change the state, found from the state alone (not from
    /// the curves), for the brute force.
    fn every_action(state: &ClusterState, rubric: &Rubric) -> Vec<Action> {
        let mut out: Vec<Action> = state.open_problems().map(|(i, _)| Action::Fix(i)).collect();
        for item in &rubric.items {
            match &item.formula {
                Formula::Manual { field }
                    if !state.answers.get(field).is_some_and(|a| a.holds()) =>
                {
                    out.push(Action::Answer(field));
                }
                Formula::Share { of, condition, .. } => {
                    for (i, m) in state.members(*of) {
                        if let Some(f) = condition.field
                            && !m.given.contains(f)
                        {
                            out.push(Action::GiveField(*of, i, f));
                        }
                        let missing: Vec<&'static str> = condition
                            .answers
                            .iter()
                            .copied()
                            .filter(|a| !m.answered_yes(a))
                            .collect();
                        if !missing.is_empty() {
                            out.push(Action::AnswerMember(*of, i, missing));
                        }
                        if condition.inspected_dry && !m.inspected_dry {
                            out.push(Action::InspectDry(i));
                        }
                    }
                }
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The fewest actions by trying every subset, smallest first.
    fn brute_force(state: &ClusterState, rubric: &Rubric) -> Option<usize> {
        let all = every_action(state, rubric);
        assert!(
            all.len() <= 16,
            "{} actions is too many to brute-force",
            all.len()
        );
        let mut best: Option<usize> = None;
        for mask in 0u32..(1 << all.len()) {
            let n = mask.count_ones() as usize;
            if best.is_some_and(|b| n >= b) {
                continue;
            }
            let mut s = state.clone();
            for (i, a) in all.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    s.apply(a);
                }
            }
            if score::ready(&s, rubric) {
                best = Some(n);
            }
        }
        best
    }

    fn problem(state: &mut ClusterState, code: ProblemCode, layer: LayerKind, id: &str) -> usize {
        state.problems.push(ProblemRef {
            problem_id: format!("P{}", state.problems.len()),
            code,
            layer,
            feature_id: id.into(),
        });
        state.fixed.push(false);
        state.problems.len() - 1
    }

    /// A random small cluster: a few enterprises, outfalls, pipes and plants with random
    /// problems, fields and answers.
    fn random_state(rng: &mut fastrand::Rng) -> ClusterState {
        let mut s = ClusterState::default();
        for i in 0..rng.usize(1..4) {
            let mut m = Member {
                at: i,
                ..Member::default()
            };
            if rng.bool() {
                m.given.insert("permit_no");
            }
            for f in ["separated", "first_flush"] {
                if rng.u8(0..3) > 0 {
                    m.answer(f, rng.u8(0..4) > 0);
                }
            }
            for code in [
                ProblemCode::EnterpriseUncovered,
                ProblemCode::EnterpriseNotConnected,
            ] {
                if rng.u8(0..4) == 0 {
                    let p = problem(&mut s, code, LayerKind::Enterprises, &format!("E{i}"));
                    m.problems.push(p);
                }
            }
            s.enterprises.push(m);
        }
        for i in 0..rng.usize(0..3) {
            let mut m = Member {
                at: i,
                storm: rng.bool(),
                inspected_dry: rng.bool(),
                ..Member::default()
            };
            let mut codes = vec![ProblemCode::OutfallUnmatched];
            if m.storm {
                codes.push(ProblemCode::StormCrossConnection);
                if m.inspected_dry {
                    codes.push(ProblemCode::DryWeatherFlow);
                }
                codes.push(ProblemCode::StormOutfallPolluted);
            } else {
                codes.push(ProblemCode::OutfallSewageDirect);
            }
            for code in codes {
                if rng.u8(0..5) == 0 {
                    let p = problem(&mut s, code, LayerKind::Outfalls, &format!("O{i}"));
                    m.problems.push(p);
                }
            }
            s.outfalls.push(m);
        }
        for i in 0..rng.usize(0..5) {
            let mut m = Member {
                at: i,
                ..Member::default()
            };
            if rng.u8(0..3) > 0 {
                m.given.insert("diameter_mm");
            }
            for code in [ProblemCode::PipeDefect, ProblemCode::SewerNotToPlant] {
                if rng.u8(0..5) == 0 {
                    let p = problem(&mut s, code, LayerKind::Pipes, &format!("L{i}"));
                    m.problems.push(p);
                }
            }
            s.pipes.push(m);
        }
        for i in 0..rng.usize(0..3) {
            let mut m = Member {
                at: i,
                ..Member::default()
            };
            if rng.bool() {
                let p = problem(
                    &mut s,
                    ProblemCode::PlantOverloaded,
                    LayerKind::Plants,
                    &format!("W{i}"),
                );
                m.problems.push(p);
            }
            s.plants.push(m);
        }
        for f in [
            "plant_online",
            "plan",
            "archives",
            "om_contract",
            "patrol",
            "digital_link",
        ] {
            if rng.u8(0..3) > 0 {
                s.answers.insert(f, Answer::YesNo(rng.u8(0..3) > 0));
            }
        }
        if rng.bool() {
            s.answers
                .insert("responsible_body", Answer::Text("园区管委会".into()));
        }
        s
    }

    /// The provisional rubric with another pass line and deductions that reach their floor
    /// after two or three problems, so random small clusters meet every curve shape.
    fn rubric(pass_line: f64, rng: &mut fastrand::Rng) -> Rubric {
        let mut r = Rubric::provisional();
        r.pass_line = pass_line;
        for item in &mut r.items {
            if let Formula::Deduction { per, .. } = &mut item.formula {
                *per = [
                    item.points / 3.0 + 0.5,
                    item.points / 2.0,
                    *per,
                    2.0 * item.points / 3.0,
                ][rng.usize(0..4)];
            }
        }
        r
    }

    #[test]
    fn the_planner_finds_exactly_the_brute_force_minimum_on_random_small_clusters() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut checked = 0;
        for round in 0..4000 {
            let state = random_state(&mut rng);
            let pass = [90.0, 80.0, 70.0, 95.0][round % 4];
            let r = rubric(pass, &mut rng);
            if every_action(&state, &r).len() > 12 {
                continue;
            }
            let expected = brute_force(&state, &r);
            let got = match plan(&state, &r) {
                Plan::Ready => Some(0),
                Plan::Actions {
                    actions,
                    score_after,
                } => {
                    // The plan really makes it ready, and its points add up.
                    let mut s = state.clone();
                    for a in &actions {
                        s.apply(&a.action);
                    }
                    assert!(
                        score::ready(&s, &r),
                        "round {round}: plan does not make it ready"
                    );
                    let sum: f64 = actions.iter().map(|a| a.points).sum();
                    assert!((score::total(&state, &r) + sum - score_after).abs() < 1e-6);
                    Some(actions.len())
                }
                Plan::Unreachable { .. } => None,
            };
            assert_eq!(got, expected, "round {round}, pass line {pass}: {state:#?}");
            checked += 1;
        }
        assert!(checked > 1500, "only {checked} rounds were small enough");
    }

    fn full_marks() -> ClusterState {
        let mut s = ClusterState::default();
        s.enterprises.push(Member {
            at: 1,
            given: Fields::of(&["permit_no"]),
            answered: Fields::of(&["separated", "first_flush"]),
            yes: Fields::of(&["separated", "first_flush"]),
            ..Member::default()
        });
        s.pipes.push(Member {
            at: 1,
            given: Fields::of(&["diameter_mm"]),
            ..Member::default()
        });
        s.plants.push(Member {
            at: 1,
            ..Member::default()
        });
        for f in [
            "plant_online",
            "plan",
            "archives",
            "om_contract",
            "patrol",
            "digital_link",
        ] {
            s.answers.insert(f, Answer::YesNo(true));
        }
        s.answers
            .insert("responsible_body", Answer::Text("管委会".into()));
        s
    }

    #[test]
    fn a_cluster_with_full_marks_scores_100_and_is_ready() {
        let s = full_marks();
        let r = Rubric::provisional();
        assert!((score::total(&s, &r) - 100.0).abs() < 1e-9);
        assert_eq!(plan(&s, &r), Plan::Ready);
    }

    #[test]
    fn an_enterprise_uncovered_and_unconnected_needs_two_fixes_for_s1() {
        let mut s = full_marks();
        // Four enterprises: S1 is worth 3.75 each; one has both problems.
        for i in 2..=4 {
            let mut e = s.enterprises[0].clone();
            e.at = i;
            s.enterprises.push(e);
        }
        for code in [
            ProblemCode::EnterpriseUncovered,
            ProblemCode::EnterpriseNotConnected,
        ] {
            let p = problem(&mut s, code, LayerKind::Enterprises, "E1");
            s.enterprises[0].problems.push(p);
        }
        // 100 − 3.75 − 6 (M1–M3 unanswered) = 90.25: ready; without M1 too: 88.25.
        s.answers.remove("responsible_body");
        s.answers.remove("plan");
        s.answers.remove("archives");
        let r = Rubric::provisional();
        assert!((score::total(&s, &r) - 90.25).abs() < 1e-9);
        s.answers.remove("patrol");
        // 88.25: one answer (2 points) is enough, not the two S1 fixes (3.75).
        match plan(&s, &r) {
            Plan::Actions { actions, .. } => {
                assert_eq!(actions.len(), 1, "{actions:?}");
                assert!(matches!(actions[0].action, Action::Answer(_)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_veto_problem_is_always_in_the_plan_even_at_full_marks() {
        let mut s = full_marks();
        let mut o = Member {
            at: 1,
            storm: false,
            ..Member::default()
        };
        let p = problem(
            &mut s,
            ProblemCode::OutfallSewageDirect,
            LayerKind::Outfalls,
            "O1",
        );
        o.problems.push(p);
        s.outfalls.push(o);
        let r = Rubric::provisional();
        assert!(!score::ready(&s, &r));
        match plan(&s, &r) {
            Plan::Actions { actions, .. } => {
                assert_eq!(actions.len(), 1);
                assert_eq!(actions[0].action, Action::Fix(p));
                assert_eq!(actions[0].item, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cluster_without_pipes_or_a_receiving_plant_cannot_reach_90_and_says_why() {
        let mut s = full_marks();
        s.pipes.clear();
        s.plants.clear();
        let r = Rubric::provisional();
        // N4 (5) and P1 (10) cannot be earned; D1 has no pipes and scores 0 (3).
        match plan(&s, &r) {
            Plan::Unreachable { best_score, reason } => {
                assert!((best_score - 82.0).abs() < 1e-9, "{best_score}");
                let en = reason.said(crate::contract::Lang::En);
                assert!(en.contains("N4") && en.contains("P1"), "{en}");
                let zh = reason.said(crate::contract::Lang::Zh);
                assert!(zh.contains("无接收污水的污水厂"), "{zh}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn p1_returns_only_when_every_overloaded_receiving_plant_is_fixed() {
        let mut s = full_marks();
        let mut w2 = s.plants[0].clone();
        w2.at = 2;
        s.plants.push(w2);
        for w in 0..2 {
            let id = format!("W{}", s.plants[w].at);
            let p = problem(&mut s, ProblemCode::PlantOverloaded, LayerKind::Plants, &id);
            s.plants[w].problems.push(p);
        }
        let r = Rubric::provisional();
        assert!((score::total(&s, &r) - 90.0).abs() < 1e-9);
        s.answers.remove("plant_online");
        s.answers.remove("plan");
        s.answers.remove("archives");
        // 83: P2 (5) and M2 (2) answered make 90 with two actions, not the two plants (10).
        match plan(&s, &r) {
            Plan::Actions { actions, .. } => assert_eq!(actions.len(), 2, "{actions:?}"),
            other => panic!("{other:?}"),
        }
        // Both plants fixed: one of them alone gives nothing.
        let mut one = s.clone();
        one.fixed[0] = true;
        assert_eq!(score::item(&one, &r.items[7]).points, 0.0);
        one.fixed[1] = true;
        assert_eq!(score::item(&one, &r.items[7]).points, 10.0);
    }

    #[test]
    fn share_item_members_are_found_from_the_population_storm_outfalls_only() {
        let mut s = full_marks();
        s.outfalls.push(Member {
            at: 9,
            storm: false,
            ..Member::default()
        });
        let r = Rubric::provisional();
        // A sewage outfall is no storm outfall: O2 has none and gives its 5 points.
        let o2 = r.items.iter().find(|i| i.id == "O2").unwrap();
        assert_eq!(score::item(&s, o2).points, 5.0);
        assert!(matches!(
            o2.formula,
            Formula::Share {
                of: Population::StormOutfalls,
                ..
            }
        ));
    }
}
