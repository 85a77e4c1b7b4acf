//! The problem codes of docs/rules.md: one row per code with its severity, Chinese and English
//! labels and the rule in words. Outputs, styles and the README read labels from here.

use serde::{Deserialize, Serialize};

use super::LayerKind;

/// How urgently a problem needs fixing before acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A kind of finding that stands between a cluster and acceptance.
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
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ProblemCode {
    OutfallUnmatched,
    OutfallSewageDirect,
    StormCrossConnection,
    EnterpriseUncovered,
    EnterpriseNotConnected,
    EnterpriseOutsideCluster,
    SewerNotToPlant,
    PlantOverloaded,
    PipeDefect,
    InvalidGeometry,
    DryWeatherFlow,
    StormOutfallPolluted,
    CrossConnectionPoint,
    PipeInvertStepUp,
    PipeDiameterDecrease,
}

impl ProblemCode {
    pub const ALL: [ProblemCode; 15] = [
        ProblemCode::OutfallUnmatched,
        ProblemCode::OutfallSewageDirect,
        ProblemCode::StormCrossConnection,
        ProblemCode::EnterpriseUncovered,
        ProblemCode::EnterpriseNotConnected,
        ProblemCode::EnterpriseOutsideCluster,
        ProblemCode::SewerNotToPlant,
        ProblemCode::PlantOverloaded,
        ProblemCode::PipeDefect,
        ProblemCode::InvalidGeometry,
        ProblemCode::DryWeatherFlow,
        ProblemCode::StormOutfallPolluted,
        ProblemCode::CrossConnectionPoint,
        ProblemCode::PipeInvertStepUp,
        ProblemCode::PipeDiameterDecrease,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ProblemCode::OutfallUnmatched => "来源不明排口",
            ProblemCode::OutfallSewageDirect => "污水直排",
            ProblemCode::StormCrossConnection => "雨污混接",
            ProblemCode::EnterpriseUncovered => "管网未覆盖",
            ProblemCode::EnterpriseNotConnected => "未纳管",
            ProblemCode::EnterpriseOutsideCluster => "企业不在组团内",
            ProblemCode::SewerNotToPlant => "污水管网未接入污水厂",
            ProblemCode::PlantOverloaded => "污水厂超负荷",
            ProblemCode::PipeDefect => "管道缺陷(3–4级)",
            ProblemCode::InvalidGeometry => "几何无效",
            ProblemCode::DryWeatherFlow => "晴天排水",
            ProblemCode::StormOutfallPolluted => "雨天污水",
            ProblemCode::CrossConnectionPoint => "混接点",
            ProblemCode::PipeInvertStepUp => "管底倒挂",
            ProblemCode::PipeDiameterDecrease => "大管接小管",
        }
    }

    /// Its link in the chain 源 → 网 → 厂 → 口 (an unreadable geometry is of none: 其他).
    pub fn chain(self) -> &'static str {
        match self {
            ProblemCode::EnterpriseUncovered
            | ProblemCode::EnterpriseNotConnected
            | ProblemCode::EnterpriseOutsideCluster => "源",
            ProblemCode::SewerNotToPlant
            | ProblemCode::PipeDefect
            | ProblemCode::CrossConnectionPoint
            | ProblemCode::PipeInvertStepUp
            | ProblemCode::PipeDiameterDecrease => "网",
            ProblemCode::PlantOverloaded => "厂",
            ProblemCode::OutfallUnmatched
            | ProblemCode::OutfallSewageDirect
            | ProblemCode::StormCrossConnection
            | ProblemCode::DryWeatherFlow
            | ProblemCode::StormOutfallPolluted => "口",
            ProblemCode::InvalidGeometry => "其他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ProblemCode::OutfallUnmatched => "Outfall of unknown source",
            ProblemCode::OutfallSewageDirect => "Untreated sewage reaches the river",
            ProblemCode::StormCrossConnection => "Storm/sewage cross-connection",
            ProblemCode::EnterpriseUncovered => "Enterprise not reached by a sewer",
            ProblemCode::EnterpriseNotConnected => "Enterprise not connected to the sewer",
            ProblemCode::EnterpriseOutsideCluster => "Enterprise in a park but in no cluster",
            ProblemCode::SewerNotToPlant => "Sewer ends nowhere known",
            ProblemCode::PlantOverloaded => "Treatment plant overloaded",
            ProblemCode::PipeDefect => "Pipe defect of grade 3–4",
            ProblemCode::InvalidGeometry => "Invalid geometry",
            ProblemCode::DryWeatherFlow => "Storm outfall flowing in dry weather",
            ProblemCode::StormOutfallPolluted => "Polluted storm outfall",
            ProblemCode::CrossConnectionPoint => "Cross-connection point",
            ProblemCode::PipeInvertStepUp => "Pipe invert steps up",
            ProblemCode::PipeDiameterDecrease => "Pipe narrows downstream",
        }
    }

    /// The code's severity; a problem may be less severe (`Problem::severity`: a storm
    /// pipe draining into a sewer is medium where a sewer draining into a storm pipe is high).
    pub fn severity(self) -> Severity {
        match self {
            ProblemCode::CrossConnectionPoint => Severity::High,
            ProblemCode::PipeInvertStepUp | ProblemCode::PipeDiameterDecrease => Severity::Medium,
            ProblemCode::OutfallSewageDirect
            | ProblemCode::StormCrossConnection
            | ProblemCode::EnterpriseNotConnected
            | ProblemCode::SewerNotToPlant
            | ProblemCode::DryWeatherFlow
            | ProblemCode::StormOutfallPolluted => Severity::High,
            ProblemCode::OutfallUnmatched
            | ProblemCode::EnterpriseUncovered
            | ProblemCode::PlantOverloaded
            | ProblemCode::PipeDefect => Severity::Medium,
            ProblemCode::EnterpriseOutsideCluster | ProblemCode::InvalidGeometry => Severity::Low,
        }
    }

    /// The rule in words, with the parameter it uses.
    pub fn rule(self) -> &'static str {
        match self {
            ProblemCode::OutfallUnmatched => {
                "no pipe's downstream end within `outfall_match_m`, and not a plant effluent outfall tied to its plant (a `plant_id` naming an existing plant, or kind plant with a plant within `plant_match_m`)"
            }
            ProblemCode::OutfallSewageDirect => {
                "not a plant effluent outfall (kind plant or a `plant_id`), and its kind is sewage or combined, or a sewage or combined pipe is upstream of it"
            }
            ProblemCode::StormCrossConnection => {
                "a storm outfall with a sewage or combined pipe upstream of it (reported instead of OUTFALL_SEWAGE_DIRECT)"
            }
            ProblemCode::EnterpriseUncovered => {
                "inside a cluster, and no sewage or combined pipe within `coverage_m`"
            }
            ProblemCode::EnterpriseNotConnected => "declared `connected` = false",
            ProblemCode::EnterpriseOutsideCluster => "inside a park but in no cluster of that park",
            ProblemCode::SewerNotToPlant => {
                "a sewage or combined pipe ending at a node no pipe leaves, farther than `plant_match_m` from every plant and `outfall_match_m` from every outfall"
            }
            ProblemCode::PlantOverloaded => "`inflow_tpd` > `capacity_tpd`",
            ProblemCode::PipeDefect => "`defect_grade` ≥ 3",
            ProblemCode::InvalidGeometry => {
                "geometry empty, invalid, of the wrong type or unreadable: repaired where possible, else skipped"
            }
            ProblemCode::DryWeatherFlow => {
                "a storm outfall whose latest dry-weather inspection saw flow (晴天排水)"
            }
            ProblemCode::StormOutfallPolluted => {
                "a storm outfall whose latest sampled inspection has COD above `storm_cod_mgl` or NH3-N above `storm_nh3n_mgl` (雨天污水)"
            }
            ProblemCode::CrossConnectionPoint => {
                "a node into which a sewage or combined pipe flows and out of which a storm pipe flows (污水接入雨水, high), or into which a storm pipe flows and out of which a sewage or combined pipe flows (雨水接入污水, medium): one problem per node and direction, about the manhole there, else the pipe leaving it"
            }
            ProblemCode::PipeInvertStepUp => {
                "a pipe leaving a node whose upstream-end invert lies more than `step_m` above the downstream-end invert of a pipe flowing into the node (管底倒挂)"
            }
            ProblemCode::PipeDiameterDecrease => {
                "a pipe leaving a node with a smaller `diameter_mm` than a pipe of the same kind flowing into the node (大管接小管)"
            }
        }
    }

    /// What the rule needs to run: each entry a layer and, when not empty, fields of it of
    /// which at least one must be present. A rule whose needs are not met did not run,
    /// and its silence says nothing (the ledger leaves such problems as they were).
    pub fn needs(self) -> &'static [(LayerKind, &'static [&'static str])] {
        use LayerKind::*;
        match self {
            ProblemCode::OutfallUnmatched
            | ProblemCode::OutfallSewageDirect
            | ProblemCode::StormCrossConnection => &[(Outfalls, &[]), (Pipes, &[])],
            ProblemCode::EnterpriseUncovered => {
                &[(Enterprises, &[]), (Clusters, &[]), (Pipes, &[])]
            }
            ProblemCode::EnterpriseNotConnected => &[(Enterprises, &["connected"])],
            ProblemCode::EnterpriseOutsideCluster => {
                &[(Enterprises, &[]), (Parks, &[]), (Clusters, &[])]
            }
            ProblemCode::SewerNotToPlant => &[(Pipes, &[]), (Plants, &[])],
            ProblemCode::PlantOverloaded => {
                &[(Plants, &["capacity_tpd"]), (Plants, &["inflow_tpd"])]
            }
            ProblemCode::PipeDefect => &[(Pipes, &["defect_grade"])],
            ProblemCode::InvalidGeometry => &[],
            ProblemCode::DryWeatherFlow => &[
                (Outfalls, &[]),
                (Inspections, &["weather"]),
                (Inspections, &["flowing"]),
            ],
            ProblemCode::StormOutfallPolluted => {
                &[(Outfalls, &[]), (Inspections, &["cod_mgl", "nh3n_mgl"])]
            }
            ProblemCode::CrossConnectionPoint => &[(Pipes, &[])],
            ProblemCode::PipeInvertStepUp => &[(
                Pipes,
                &["from_invert_m", "to_invert_m", "from_depth_m", "to_depth_m"],
            )],
            ProblemCode::PipeDiameterDecrease => &[(Pipes, &["diameter_mm"])],
        }
    }

    /// The code with this contract name (`OUTFALL_UNMATCHED` …).
    pub fn from_name(name: &str) -> Option<ProblemCode> {
        ProblemCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The parameters the rule turns on, for the README and `zdz check`.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            ProblemCode::OutfallUnmatched => &["outfall_match_m", "plant_match_m"],
            ProblemCode::OutfallSewageDirect => &["outfall_match_m"],
            ProblemCode::StormCrossConnection => &["outfall_match_m", "snap_m"],
            ProblemCode::EnterpriseUncovered => &["coverage_m"],
            ProblemCode::SewerNotToPlant => &["plant_match_m", "outfall_match_m", "snap_m"],
            ProblemCode::StormOutfallPolluted => &["storm_cod_mgl", "storm_nh3n_mgl"],
            ProblemCode::CrossConnectionPoint | ProblemCode::PipeDiameterDecrease => {
                &["snap_m", "flat_m"]
            }
            ProblemCode::PipeInvertStepUp => &["step_m", "snap_m", "flat_m"],
            ProblemCode::EnterpriseNotConnected
            | ProblemCode::EnterpriseOutsideCluster
            | ProblemCode::PlantOverloaded
            | ProblemCode::PipeDefect
            | ProblemCode::InvalidGeometry
            | ProblemCode::DryWeatherFlow => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_to_its_contract_name() {
        for code in ProblemCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
