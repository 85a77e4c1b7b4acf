//! Each cluster's deadline from the schedule in the project file: the first rule any of
//! whose conditions holds. The reason names the conditions that held.

use crate::model::ParkLevel;
use crate::project::{Condition, DeadlineRule};

/// The facts about a cluster that deadline rules test.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub enterprise_count: usize,
    pub demo: bool,
    pub in_corridor: bool,
    pub park_level: Option<ParkLevel>,
}

impl Facts {
    fn holds(&self, c: Condition) -> bool {
        match c {
            Condition::NoEnterprises => self.enterprise_count == 0,
            Condition::Demo => self.demo,
            Condition::InCorridor => self.in_corridor,
            Condition::National => self.park_level == Some(ParkLevel::National),
            Condition::Provincial => self.park_level == Some(ParkLevel::Provincial),
            Condition::Always => true,
        }
    }
}

/// The deadline and its reason (`no_enterprises`, `demo`, `in_corridor+national` … or
/// `default` for an `always` rule).
pub fn deadline(rules: &[DeadlineRule], facts: &Facts) -> (String, String) {
    for rule in rules {
        let held: Vec<&str> = rule
            .when
            .iter()
            .filter(|c| facts.holds(**c))
            .map(|c| match c {
                Condition::Always => "default",
                c => c.as_str(),
            })
            .collect();
        if !held.is_empty() {
            return (rule.deadline.clone(), held.join("+"));
        }
    }
    ("none".into(), "no_rule_matched".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;

    fn rules() -> Vec<DeadlineRule> {
        Project::defaults(std::path::Path::new(".")).deadlines
    }

    fn facts(enterprise_count: usize, demo: bool, in_corridor: bool, national: bool) -> Facts {
        Facts {
            enterprise_count,
            demo,
            in_corridor,
            park_level: Some(if national {
                ParkLevel::National
            } else {
                ParkLevel::Provincial
            }),
        }
    }

    #[test]
    fn cluster_without_enterprises_is_out_of_scope_even_when_demo() {
        assert_eq!(
            deadline(&rules(), &facts(0, true, true, true)).0,
            "out_of_scope"
        );
    }

    #[test]
    fn demo_cluster_is_due_2024() {
        assert_eq!(
            deadline(&rules(), &facts(3, true, false, false)),
            ("2024-12-31".into(), "demo".into())
        );
    }

    #[test]
    fn corridor_or_national_is_due_2025_with_both_reasons() {
        assert_eq!(
            deadline(&rules(), &facts(3, false, true, false)).0,
            "2025-12-31"
        );
        assert_eq!(
            deadline(&rules(), &facts(3, false, false, true)).1,
            "national"
        );
        assert_eq!(
            deadline(&rules(), &facts(3, false, true, true)).1,
            "in_corridor+national"
        );
    }

    #[test]
    fn provincial_cluster_off_the_yangtze_is_due_2027() {
        assert_eq!(
            deadline(&rules(), &facts(3, false, false, false)),
            ("2027-12-31".into(), "default".into())
        );
    }
}
