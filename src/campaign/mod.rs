//! Where each cluster stands in the campaign as of a date (`campaign_status`): accepted and
//! 销号 (its latest official acceptance at or above the pass line), back under 回头看
//! (accepted, and the run detects a problem that was not detected when it was accepted),
//! overdue (its deadline has passed), due (its deadline is ahead), or out of scope. Without a
//! ledger nothing is accepted. Pure: the date is given.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::analysis::Analysis;
use crate::contract::CampaignStatus;
use crate::ledger::View;
use crate::ledger::acceptance::Acceptance;
use crate::model::Layers;

/// Every cluster's campaign status as of `as_of`.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub as_of: NaiveDate,
    pub clusters: Vec<CampaignStatus>,
}

/// `YYYY-MM-DD` as a date, for `--as-of`.
pub fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("--as-of {s}: not a date (YYYY-MM-DD)"))
}

/// The status of one cluster due by `deadline` (a date, or `out_of_scope`), with its latest
/// acceptance, the problems the run detects in it, as of `as_of`.
pub fn status(
    deadline: &str,
    acceptance: Option<&Acceptance>,
    pass_line: f64,
    detected: &HashSet<&str>,
    as_of: NaiveDate,
) -> CampaignStatus {
    let Ok(due) = NaiveDate::parse_from_str(deadline, "%Y-%m-%d") else {
        return CampaignStatus::OutOfScope;
    };
    let accepted = acceptance.filter(|a| {
        a.passes(pass_line)
            && NaiveDate::parse_from_str(&a.accepted_on, "%Y-%m-%d").is_ok_and(|d| d <= as_of)
    });
    match accepted {
        Some(a) => {
            let then: HashSet<&str> = a.detected.iter().map(String::as_str).collect();
            if detected.iter().any(|p| !then.contains(p)) {
                CampaignStatus::Recheck
            } else {
                CampaignStatus::Accepted
            }
        }
        None if due < as_of => CampaignStatus::Overdue,
        None => CampaignStatus::Due,
    }
}

/// Every cluster's status as of `as_of`: the analysis's deadlines and detected problems
/// (those the ledger dismissed left out), the ledger's acceptances when there is one.
pub fn assess(
    layers: &Layers,
    analysis: &Analysis,
    ledger: Option<&View>,
    excluded: &HashSet<String>,
    pass_line: f64,
    as_of: NaiveDate,
) -> Campaign {
    // The problems detected in each accepted cluster (only those need them), in one pass.
    let accepted = |id: &str| ledger.is_some_and(|v| v.acceptances.contains_key(id));
    let mut detected: HashMap<&str, HashSet<&str>> = HashMap::new();
    for p in analysis
        .problems
        .iter()
        .filter(|p| !excluded.contains(&p.problem_id))
    {
        for c in p.cluster_ids.iter().filter(|c| accepted(c)) {
            detected
                .entry(c.as_str())
                .or_default()
                .insert(p.problem_id.as_str());
        }
    }
    let none = HashSet::new();
    let clusters = layers
        .clusters
        .iter()
        .zip(&analysis.clusters)
        .map(|(c, r)| {
            let acceptance = ledger.and_then(|v| v.acceptances.get(&c.id));
            let found = detected.get(c.id.as_str()).unwrap_or(&none);
            status(&r.deadline, acceptance, pass_line, found, as_of)
        })
        .collect();
    Campaign { as_of, clusters }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_as_of(s).unwrap()
    }

    fn accepted(on: &str, score: f64, detected: &[&str]) -> Acceptance {
        Acceptance {
            cluster_id: "C".into(),
            seq: 1,
            accepted_on: on.into(),
            score,
            items: Default::default(),
            by: "验收组".into(),
            recorded_by: "市局".into(),
            recorded_at: "2026-01-01T00:00:00Z".into(),
            evidence: None,
            note: None,
            override_reason: None,
            zdz_score: None,
            zdz_items: Default::default(),
            veto: vec![],
            remaining: vec![],
            detected: detected.iter().map(|s| s.to_string()).collect(),
            run_id: None,
        }
    }

    #[test]
    fn a_cluster_due_2025_12_31_is_overdue_as_of_2026_01_01_and_due_as_of_2025_12_30() {
        let none = HashSet::new();
        let s = |as_of| status("2025-12-31", None, 90.0, &none, date(as_of));
        assert_eq!(s("2026-01-01"), CampaignStatus::Overdue);
        assert_eq!(s("2025-12-31"), CampaignStatus::Due);
        assert_eq!(s("2025-12-30"), CampaignStatus::Due);
        assert_eq!(
            status("out_of_scope", None, 90.0, &none, date("2026-12-06")),
            CampaignStatus::OutOfScope
        );
    }

    #[test]
    fn an_acceptance_at_the_pass_line_accepts_and_below_it_does_not() {
        let none = HashSet::new();
        let at = |score| {
            let a = accepted("2025-11-20", score, &[]);
            status("2025-12-31", Some(&a), 90.0, &none, date("2026-12-06"))
        };
        assert_eq!(at(90.0), CampaignStatus::Accepted);
        assert_eq!(at(89.5), CampaignStatus::Overdue);
        // Not yet accepted on the day asked about.
        let a = accepted("2025-11-20", 95.0, &[]);
        assert_eq!(
            status("2025-12-31", Some(&a), 90.0, &none, date("2025-11-19")),
            CampaignStatus::Due
        );
    }

    #[test]
    fn a_new_problem_in_an_accepted_cluster_makes_it_recheck_and_an_old_one_does_not() {
        let a = accepted("2025-11-20", 95.0, &["P1"]);
        let old: HashSet<&str> = ["P1"].into();
        let new: HashSet<&str> = ["P1", "P2"].into();
        let s = |d: &HashSet<&str>| status("2025-12-31", Some(&a), 90.0, d, date("2026-12-06"));
        assert_eq!(s(&old), CampaignStatus::Accepted);
        assert_eq!(s(&new), CampaignStatus::Recheck);
    }
}
