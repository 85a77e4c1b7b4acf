//! The words a reader sees for the values zdz writes: a status, a kind, a reason, a
//! severity. The outputs keep the value itself (`matched`, `storm`, `in_corridor`) where a
//! program reads it; documents, workbooks and the web map show these words instead, so a
//! value is worded once, in Chinese and in English.

/// What a value is the value of: the same text (`storm`) reads differently as a pipe's
/// kind (雨水管) and as an outfall's (雨水排口).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    OutfallKind,
    OutfallStatus,
    PipeKind,
    Severity,
    /// A deadline rule's condition (`in_corridor`, `default` …).
    DeadlineReason,
    /// How a cluster's corridor membership was decided.
    CorridorReason,
    /// How an outfall was given to a cluster.
    ClusterBy,
    FlowBasis,
    ParkLevel,
    /// A deadline that is not a date.
    Deadline,
}

/// A value in Chinese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub zh: &'static str,
    pub en: &'static str,
}

use Vocabulary as V;

/// Every worded value, by vocabulary.
const WORDS: &[(Vocabulary, &str, &str, &str)] = &[
    (V::OutfallKind, "storm", "雨水排口", "storm outfall"),
    (V::OutfallKind, "sewage", "污水排口", "sewage outfall"),
    (V::OutfallKind, "combined", "合流排口", "combined outfall"),
    (V::OutfallKind, "plant", "污水厂排口", "plant outfall"),
    (V::OutfallStatus, "matched", "已溯源", "matched"),
    (V::OutfallStatus, "unmatched", "来源不明", "unmatched"),
    (
        V::OutfallStatus,
        "sewage_direct",
        "污水直排",
        "sewage direct",
    ),
    (
        V::OutfallStatus,
        "cross_connection",
        "雨污混接",
        "cross-connection",
    ),
    (
        V::OutfallStatus,
        "plant_effluent",
        "污水厂尾水",
        "plant effluent",
    ),
    (
        V::OutfallStatus,
        "dry_weather_flow",
        "晴天排水",
        "dry-weather flow",
    ),
    (
        V::OutfallStatus,
        "polluted",
        "雨天污水",
        "polluted storm water",
    ),
    (V::PipeKind, "sewage", "污水管", "sewage"),
    (V::PipeKind, "storm", "雨水管", "storm"),
    (V::PipeKind, "combined", "合流管", "combined"),
    (V::Severity, "high", "高", "high"),
    (V::Severity, "medium", "中", "medium"),
    (V::Severity, "low", "低", "low"),
    (
        V::DeadlineReason,
        "no_enterprises",
        "无企业",
        "no enterprises",
    ),
    (V::DeadlineReason, "demo", "市级示范", "city demonstration"),
    (
        V::DeadlineReason,
        "in_corridor",
        "长江沿线",
        "along the Yangtze",
    ),
    (V::DeadlineReason, "national", "国家级园区", "national park"),
    (
        V::DeadlineReason,
        "provincial",
        "省级园区",
        "provincial park",
    ),
    (
        V::DeadlineReason,
        "always",
        "其余组团",
        "every other cluster",
    ),
    (
        V::DeadlineReason,
        "default",
        "其余组团",
        "every other cluster",
    ),
    (
        V::DeadlineReason,
        "no_rule_matched",
        "无适用规则",
        "no rule matched",
    ),
    (V::CorridorReason, "distance", "按距离", "by distance"),
    (V::CorridorReason, "override", "按填报", "as declared"),
    (V::CorridorReason, "district", "按区县", "by district"),
    (V::ClusterBy, "inside", "位于组团内", "inside the cluster"),
    (V::ClusterBy, "trace", "按上游管网", "by its upstream pipes"),
    (V::ClusterBy, "nearest", "最近组团", "nearest cluster"),
    (V::FlowBasis, "levels", "按管底高程", "by invert levels"),
    (V::FlowBasis, "recorded", "按记录方向", "as recorded"),
    (V::ParkLevel, "national", "国家级", "national"),
    (V::Deadline, "out_of_scope", "不纳入", "out of scope"),
    (V::Deadline, "none", "无", "none"),
    (V::ParkLevel, "provincial", "省级", "provincial"),
];

/// The words of `value` in `vocabulary`, if it is one zdz writes.
pub fn word(vocabulary: Vocabulary, value: &str) -> Option<Word> {
    WORDS
        .iter()
        .find(|(v, k, _, _)| *v == vocabulary && *k == value)
        .map(|&(_, _, zh, en)| Word { zh, en })
}

/// `value` in Chinese; a value no table words (a user's own) stays as it is.
pub fn zh(vocabulary: Vocabulary, value: &str) -> &str {
    word(vocabulary, value).map_or(value, |w| w.zh)
}

/// A reason joined by `+` (`in_corridor+national`), in Chinese: 长江沿线、国家级园区.
pub fn reasons_zh(vocabulary: Vocabulary, joined: &str) -> String {
    joined
        .split('+')
        .map(|r| zh(vocabulary, r))
        .collect::<Vec<_>>()
        .join("、")
}

/// What a rubric item counts (`enterprises`, `storm_outfalls` …) with its measure word,
/// for `13/13 家企业`.
pub fn population_zh(of: &str) -> &str {
    match of {
        "enterprises" => "家企业",
        "outfalls" => "个排口",
        "storm_outfalls" => "个雨水排口",
        "pipes" => "条管段",
        "plants" => "座污水厂",
        other => other,
    }
}

/// 是 or 否.
pub fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_by_its_vocabulary_and_an_unknown_one_stays_itself() {
        assert_eq!(zh(V::PipeKind, "storm"), "雨水管");
        assert_eq!(zh(V::OutfallKind, "storm"), "雨水排口");
        assert_eq!(zh(V::OutfallKind, "某种"), "某种");
        assert_eq!(
            reasons_zh(V::DeadlineReason, "in_corridor+national"),
            "长江沿线、国家级园区"
        );
    }

    #[test]
    fn no_value_is_worded_twice_in_one_vocabulary() {
        for (i, a) in WORDS.iter().enumerate() {
            for b in &WORDS[i + 1..] {
                assert!(!(a.0 == b.0 && a.1 == b.1), "{:?} {} twice", a.0, a.1);
            }
        }
    }
}
