//! The readiness groups: where a cluster stands against acceptance (验收). Every in-scope
//! cluster is in exactly one, so the groups add up to the in-scope count wherever they are
//! counted (the terminal, `summary.json`, the overview report, the web map), and every
//! chart and map colours a cluster by its group, so a vetoed cluster is never drawn as
//! passing.

use serde::{Deserialize, Serialize};

/// Where a cluster stands against acceptance.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReadinessGroup {
    /// Score at or above the pass line and no veto (达标).
    Ready,
    /// A veto problem in the cluster, whatever its score (一票否决).
    Veto,
    /// One or two actions make it ready (再整改一两项).
    OneOrTwo,
    /// Three or more actions make it ready (需整改三项及以上).
    ThreeOrMore,
    /// No set of actions zdz knows makes it ready (无法达标).
    Unreachable,
    /// No enterprise inside: not part of the campaign (不纳入).
    OutOfScope,
}

impl ReadinessGroup {
    pub const ALL: [ReadinessGroup; 6] = [
        ReadinessGroup::Ready,
        ReadinessGroup::Veto,
        ReadinessGroup::OneOrTwo,
        ReadinessGroup::ThreeOrMore,
        ReadinessGroup::Unreachable,
        ReadinessGroup::OutOfScope,
    ];

    /// The group of an in-scope cluster: ready; else vetoed; else by the fewest actions
    /// that make it ready (`None`: unreachable).
    pub fn of(ready: bool, vetoed: bool, actions_to_ready: Option<usize>) -> ReadinessGroup {
        match (ready, vetoed, actions_to_ready) {
            (_, true, _) => ReadinessGroup::Veto,
            (true, false, _) => ReadinessGroup::Ready,
            (false, false, None) => ReadinessGroup::Unreachable,
            (false, false, Some(0..=2)) => ReadinessGroup::OneOrTwo,
            (false, false, Some(_)) => ReadinessGroup::ThreeOrMore,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReadinessGroup::Ready => "已达标",
            ReadinessGroup::Veto => "一票否决",
            ReadinessGroup::OneOrTwo => "再整改一两项",
            ReadinessGroup::ThreeOrMore => "需整改三项及以上",
            ReadinessGroup::Unreachable => "无法达标",
            ReadinessGroup::OutOfScope => "不纳入",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReadinessGroup::Ready => "ready",
            ReadinessGroup::Veto => "vetoed",
            ReadinessGroup::OneOrTwo => "one or two actions away",
            ReadinessGroup::ThreeOrMore => "three or more actions away",
            ReadinessGroup::Unreachable => "unreachable",
            ReadinessGroup::OutOfScope => "out of scope",
        }
    }

    /// Its colour on every chart and map (RGB): green only for ready, red for a veto.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            ReadinessGroup::Ready => [26, 152, 80],
            ReadinessGroup::Veto => [165, 0, 38],
            ReadinessGroup::OneOrTwo => [253, 174, 97],
            ReadinessGroup::ThreeOrMore => [215, 48, 39],
            ReadinessGroup::Unreachable => [84, 39, 136],
            ReadinessGroup::OutOfScope => [170, 170, 170],
        }
    }

    /// Whether an in-scope cluster can be in it.
    pub fn in_scope(self) -> bool {
        self != ReadinessGroup::OutOfScope
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vetoed_cluster_is_vetoed_whatever_its_actions_and_score() {
        assert_eq!(
            ReadinessGroup::of(false, true, Some(1)),
            ReadinessGroup::Veto
        );
        assert_eq!(ReadinessGroup::of(false, true, None), ReadinessGroup::Veto);
        assert_eq!(
            ReadinessGroup::of(false, false, Some(2)),
            ReadinessGroup::OneOrTwo
        );
        assert_eq!(
            ReadinessGroup::of(false, false, Some(3)),
            ReadinessGroup::ThreeOrMore
        );
        assert_eq!(
            ReadinessGroup::of(false, false, None),
            ReadinessGroup::Unreachable
        );
        assert_eq!(
            ReadinessGroup::of(true, false, Some(0)),
            ReadinessGroup::Ready
        );
    }
}
