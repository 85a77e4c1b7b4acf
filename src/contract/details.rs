//! What each problem's `detail` says, in Chinese (what a bureau's documents carry) and in
//! English (`detail_en`): one sentence per rule, with its numbers, written here and only
//! here.

use super::kinds::{OutfallKind, PipeKind};

/// A pipe kind as a Chinese word (污水, 雨水, 合流).
pub fn pipe_kind_zh(k: PipeKind) -> &'static str {
    match k {
        PipeKind::Sewage => "污水",
        PipeKind::Storm => "雨水",
        PipeKind::Combined => "合流",
    }
}

/// An outfall kind as a Chinese word.
pub fn outfall_kind_zh(k: OutfallKind) -> &'static str {
    match k {
        OutfallKind::Storm => "雨水",
        OutfallKind::Sewage => "污水",
        OutfallKind::Combined => "合流",
        OutfallKind::Plant => "污水厂尾水",
    }
}

/// A sample value over its limit: what, the value, the limit (mg/L).
#[derive(Debug, Clone, PartialEq)]
pub struct Over {
    pub what_zh: &'static str,
    pub what_en: &'static str,
    pub value: f64,
    pub limit: f64,
}

/// The rule as it applied to one feature, with the figures it turned on.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// OUTFALL_UNMATCHED: the nearest pipe downstream end, if any, and `outfall_match_m`.
    Unmatched {
        nearest_m: Option<f64>,
        within_m: f64,
    },
    /// OUTFALL_SEWAGE_DIRECT, by the outfall's own kind.
    SewageOutfall { kind: Option<OutfallKind> },
    /// OUTFALL_SEWAGE_DIRECT, by a sewage or combined pipe upstream.
    SewageUpstream { kind: PipeKind, pipe: String },
    /// STORM_CROSS_CONNECTION: a sewage or combined pipe among those traced upstream.
    StormWithSewage {
        kind: PipeKind,
        pipe: String,
        traced: usize,
    },
    /// ENTERPRISE_UNCOVERED: the nearest sewer, if any, and `coverage_m`.
    Uncovered {
        nearest_m: Option<f64>,
        within_m: f64,
    },
    /// ENTERPRISE_NOT_CONNECTED.
    NotConnected,
    /// ENTERPRISE_OUTSIDE_CLUSTER: the park it lies in.
    OutsideCluster { park: String },
    /// SEWER_NOT_TO_PLANT.
    SewerEndsNowhere {
        kind: PipeKind,
        plant_m: f64,
        outfall_m: f64,
    },
    /// PLANT_OVERLOADED.
    Overloaded { inflow: f64, capacity: f64 },
    /// PIPE_DEFECT.
    Defect { grade: u8 },
    /// DRY_WEATHER_FLOW: the inspection's date, row and inspector.
    DryFlow {
        date: String,
        row: String,
        inspector: Option<String>,
    },
    /// STORM_OUTFALL_POLLUTED: the sample's date, row and what was over its limit.
    Polluted {
        date: String,
        row: String,
        over: Vec<Over>,
    },
    /// CROSS_CONNECTION_POINT: sewage into storm (`true`) or storm into sewage, at a
    /// manhole (its id) or an unsurveyed node, the pipes in and out.
    CrossConnection {
        sewage_into_storm: bool,
        manhole: Option<String>,
        pipes_in: String,
        pipes_out: String,
    },
    /// PIPE_INVERT_STEP_UP.
    StepUp {
        leaving: String,
        up_m: f64,
        arriving: String,
        arrival_m: f64,
    },
    /// PIPE_DIAMETER_DECREASE.
    Narrows {
        leaving: String,
        dn: f64,
        arriving: String,
        wider_dn: f64,
    },
    /// INVALID_GEOMETRY: what was wrong, and whether the feature was skipped.
    Geometry {
        faults: Vec<super::geometry_faults::GeometryFault>,
        skipped: bool,
    },
    /// A message that is already whole.
    Text(String),
}

impl Detail {
    /// The sentence in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Detail::Unmatched {
                nearest_m: Some(d),
                within_m,
            } => format!("最近的管段下游端在 {d:.1} 米外（匹配距离 {within_m} 米），来源不明"),
            Detail::Unmatched {
                nearest_m: None, ..
            } => "工作空间中没有管段，来源不明".into(),
            Detail::SewageOutfall { kind } => format!(
                "{}排口，且不是污水厂尾水排口",
                kind.map(outfall_kind_zh).unwrap_or("")
            ),
            Detail::SewageUpstream { kind, pipe } => format!(
                "上游有{}管 {pipe}，且不是污水厂尾水排口",
                pipe_kind_zh(*kind)
            ),
            Detail::StormWithSewage { kind, pipe, traced } => format!(
                "雨水排口上游 {traced} 段管道中含{}管 {pipe}",
                pipe_kind_zh(*kind)
            ),
            Detail::Uncovered {
                nearest_m: Some(d),
                within_m,
            } => format!("最近的污水或合流管在 {d:.1} 米外（覆盖距离 {within_m} 米）"),
            Detail::Uncovered {
                nearest_m: None,
                within_m,
            } => format!("工作空间中没有污水或合流管（覆盖距离 {within_m} 米）"),
            Detail::NotConnected => "申报为未纳管".into(),
            Detail::OutsideCluster { park } => {
                format!("位于园区 {park} 内，但不在其任何组团内")
            }
            Detail::SewerEndsNowhere {
                kind,
                plant_m,
                outfall_m,
            } => format!(
                "{}管止于无下游管段的节点，{plant_m} 米内无污水厂，{outfall_m} 米内无排口",
                pipe_kind_zh(*kind)
            ),
            Detail::Overloaded { inflow, capacity } => format!(
                "实际处理量 {inflow} 吨/日，超过设计规模 {capacity} 吨/日（负荷率 {:.0}%）",
                load(*inflow, *capacity)
            ),
            Detail::Defect { grade } => format!("缺陷等级 {grade} 级"),
            Detail::DryFlow {
                date,
                row,
                inspector,
            } => format!(
                "最近一次晴天排查（{date}，{}{}）发现有水",
                row_zh(row),
                inspector
                    .as_deref()
                    .map(|who| format!("，排查人 {who}"))
                    .unwrap_or_default()
            ),
            Detail::Polluted { date, row, over } => format!(
                "最近一次采样（{date}，{}）：{}",
                row_zh(row),
                over.iter()
                    .map(|o| format!("{} {} mg/L，超过 {} mg/L", o.what_zh, o.value, o.limit))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            Detail::CrossConnection {
                sewage_into_storm,
                manhole,
                pipes_in,
                pipes_out,
            } => format!(
                "{}：{}，流入 {pipes_in}，流出 {pipes_out}",
                if *sewage_into_storm {
                    "污水接入雨水"
                } else {
                    "雨水接入污水"
                },
                match manhole {
                    Some(m) => format!("检查井 {m}"),
                    None => "未普查的节点".into(),
                }
            ),
            Detail::StepUp {
                leaving,
                up_m,
                arriving,
                arrival_m,
            } => format!(
                "{leaving} 起点管底高程 {up_m:.3} 米，比流入管 {arriving} 末端管底 {arrival_m:.3} 米高 {:.3} 米",
                up_m - arrival_m
            ),
            Detail::Narrows {
                leaving,
                dn,
                arriving,
                wider_dn,
            } => format!("DN{dn:.0} 的 {leaving} 接在 DN{wider_dn:.0} 的 {arriving} 之后"),
            Detail::Geometry { faults, skipped } => {
                super::geometry_faults::GeometryFault::all_zh(faults, *skipped)
            }
            Detail::Text(t) => t.clone(),
        }
    }

    /// The sentence in English.
    pub fn en(&self) -> String {
        match self {
            Detail::Unmatched {
                nearest_m: Some(d),
                within_m,
            } => format!(
                "nearest pipe downstream end {d:.1} m away (outfall_match_m = {within_m} m); source unknown"
            ),
            Detail::Unmatched {
                nearest_m: None, ..
            } => "no pipe in the workspace; source unknown".into(),
            Detail::SewageOutfall { kind } => format!(
                "{} outfall that is not a plant's effluent outfall",
                kind.map(|k| k.as_str()).unwrap_or("")
            ),
            Detail::SewageUpstream { kind, pipe } => format!(
                "{} pipe {pipe} upstream of an outfall that is not a plant's effluent outfall",
                kind.as_str()
            ),
            Detail::StormWithSewage { kind, pipe, traced } => format!(
                "storm outfall with {} pipe {pipe} upstream ({traced} pipes traced)",
                kind.as_str()
            ),
            Detail::Uncovered {
                nearest_m: Some(d),
                within_m,
            } => {
                format!("nearest sewage or combined pipe {d:.1} m away (coverage_m = {within_m} m)")
            }
            Detail::Uncovered {
                nearest_m: None,
                within_m,
            } => format!("no sewage or combined pipe in the workspace (coverage_m = {within_m} m)"),
            Detail::NotConnected => "declared not connected".into(),
            Detail::OutsideCluster { park } => {
                format!("inside park {park} but in none of its clusters")
            }
            Detail::SewerEndsNowhere {
                kind,
                plant_m,
                outfall_m,
            } => format!(
                "{} pipe ends where no pipe leaves, no plant within {plant_m} m and no outfall within {outfall_m} m",
                kind.as_str()
            ),
            Detail::Overloaded { inflow, capacity } => format!(
                "inflow {inflow} t/d above capacity {capacity} t/d (load {:.0}%)",
                load(*inflow, *capacity)
            ),
            Detail::Defect { grade } => format!("defect grade {grade}"),
            Detail::DryFlow {
                date,
                row,
                inspector,
            } => format!(
                "flowing in dry weather at the latest dry-weather inspection, {date} ({row}){}",
                inspector
                    .as_deref()
                    .map(|who| format!(", by {who}"))
                    .unwrap_or_default()
            ),
            Detail::Polluted { date, row, over } => format!(
                "latest sample {date} ({row}): {}",
                over.iter()
                    .map(|o| format!("{} {} mg/L > {} mg/L", o.what_en, o.value, o.limit))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Detail::CrossConnection {
                sewage_into_storm,
                manhole,
                pipes_in,
                pipes_out,
            } => format!(
                "{} {}: in {pipes_in}; out {pipes_out}",
                if *sewage_into_storm {
                    "sewage into storm"
                } else {
                    "storm into sewage"
                },
                match manhole {
                    Some(m) => format!("at manhole {m}"),
                    None => "at an unsurveyed node".into(),
                }
            ),
            Detail::StepUp {
                leaving,
                up_m,
                arriving,
                arrival_m,
            } => format!(
                "{leaving} leaves at invert {up_m:.3} m, {:.3} m above {arriving} arriving at {arrival_m:.3} m",
                up_m - arrival_m
            ),
            Detail::Narrows {
                leaving,
                dn,
                arriving,
                wider_dn,
            } => format!("DN{dn:.0} {leaving} leaves DN{wider_dn:.0} {arriving}"),
            Detail::Geometry { faults, skipped } => {
                super::geometry_faults::GeometryFault::all_en(faults, *skipped)
            }
            Detail::Text(t) => t.clone(),
        }
    }
}

/// Inflow as a share of capacity, in per cent.
fn load(inflow: f64, capacity: f64) -> f64 {
    if capacity > 0.0 {
        inflow / capacity * 100.0
    } else {
        f64::INFINITY
    }
}

/// A spreadsheet row (`row 14`) as a Chinese reader counts it (第 14 行).
fn row_zh(row: &str) -> String {
    match row.strip_prefix("row ") {
        Some(n) => format!("第 {n} 行"),
        None => row.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_reads_as_a_chinese_sentence_with_its_numbers_and_in_english_the_same() {
        let d = Detail::StormWithSewage {
            kind: PipeKind::Sewage,
            pipe: "CQJK-A-WS-X1".into(),
            traced: 13,
        };
        assert_eq!(d.zh(), "雨水排口上游 13 段管道中含污水管 CQJK-A-WS-X1");
        assert!(d.en().contains("13 pipes traced"));
        let d = Detail::DryFlow {
            date: "2025-04-08".into(),
            row: "row 14".into(),
            inspector: Some("张三".into()),
        };
        assert_eq!(
            d.zh(),
            "最近一次晴天排查（2025-04-08，第 14 行，排查人 张三）发现有水"
        );
    }
}
