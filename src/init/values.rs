//! What a field's values say: kinds by their words (污水管, 雨水排口, Combined sewer pipe),
//! booleans by their prefixes (已纳管 / 未纳管), dates, numbers; and the `values` map a
//! field needs when zdz would not read its values as they are.

use std::collections::BTreeMap;

use super::words::Expect;
use crate::load::inventory::FieldInfo;
use crate::load::values as parse;

/// A pipe kind from the words of a value; combined before storm before sewage, as
/// 合流 and "combined sewer" name both.
pub fn pipe_kind(v: &str) -> Option<&'static str> {
    if let Ok(k) = parse::parse_pipe_kind(v) {
        return Some(match k {
            crate::model::PipeKind::Sewage => "sewage",
            crate::model::PipeKind::Storm => "storm",
            crate::model::PipeKind::Combined => "combined",
        });
    }
    let l = v.to_lowercase();
    if has(&l, &["合流", "combined", "combine", "cso"]) {
        Some("combined")
    } else if has(&l, &["雨", "storm", "rain"]) {
        Some("storm")
    } else if has(&l, &["污", "sewer", "sewage", "sanitary", "waste", "foul"]) {
        Some("sewage")
    } else {
        None
    }
}

/// An outfall kind from the words of a value: a plant's before sewage (污水厂排口 holds 污).
pub fn outfall_kind(v: &str) -> Option<&'static str> {
    if let Ok(k) = parse::parse_outfall_kind(v) {
        return Some(match k {
            crate::model::OutfallKind::Storm => "storm",
            crate::model::OutfallKind::Sewage => "sewage",
            crate::model::OutfallKind::Combined => "combined",
            crate::model::OutfallKind::Plant => "plant",
        });
    }
    let l = v.to_lowercase();
    if has(
        &l,
        &[
            "厂",
            "尾水",
            "plant",
            "wwtp",
            "wwtf",
            "treatment",
            "effluent",
        ],
    ) {
        Some("plant")
    } else if has(&l, &["合流", "combined", "cso"]) {
        Some("combined")
    } else if has(&l, &["雨", "storm"]) {
        Some("storm")
    } else if has(&l, &["污", "sewage", "sewer", "waste"]) {
        Some("sewage")
    } else {
        None
    }
}

/// Whether a value names an outfall, as opposed to a manhole, a catch basin or a gully
/// (雨水口 is an inlet, not an outfall).
pub fn names_an_outfall(v: &str) -> bool {
    let l = v.to_lowercase();
    has(
        &l,
        &[
            "排口",
            "排放口",
            "排水口",
            "排污口",
            "出水口",
            "outfall",
            "outlet",
            "discharge point",
        ],
    )
}

pub fn park_level(v: &str) -> Option<&'static str> {
    if let Ok(l) = parse::parse_park_level(v) {
        return Some(match l {
            crate::model::ParkLevel::National => "national",
            crate::model::ParkLevel::Provincial => "provincial",
        });
    }
    let l = v.to_lowercase();
    if has(&l, &["国家", "national", "state"]) {
        Some("national")
    } else if has(&l, &["省", "provincial", "province"]) {
        Some("provincial")
    } else {
        None
    }
}

/// A boolean from a value: as zdz reads them, or 已… / 未… (已纳管, 未接管), 有/无, 不….
pub fn boolean(v: &str) -> Option<&'static str> {
    if let Ok(b) = parse::parse_bool(v) {
        return Some(if b { "true" } else { "false" });
    }
    let t = v.trim();
    let first = t.chars().next()?;
    match first {
        '已' | '有' => Some("true"),
        '未' | '无' | '不' | '没' | '否' => Some("false"),
        _ => match t.to_lowercase().as_str() {
            "connected" | "done" | "ok" => Some("true"),
            "not connected" | "none" => Some("false"),
            _ => None,
        },
    }
}

fn has(l: &str, words: &[&str]) -> bool {
    words.iter().any(|w| l.contains(w))
}

/// How a value would be read for what a field expects: its canonical form, or `None`
/// when it does not fit.
pub fn classify(expect: Expect, v: &str) -> Option<String> {
    match expect {
        Expect::PipeKind => pipe_kind(v).map(str::to_string),
        Expect::OutfallKind => outfall_kind(v).map(str::to_string),
        Expect::ParkLevel => park_level(v).map(str::to_string),
        Expect::Bool => boolean(v).map(str::to_string),
        Expect::Date => parse::parse_date(v).ok().map(|_| v.to_string()),
        Expect::Weather => parse::parse_weather(v).ok().map(|_| v.to_string()),
        Expect::Number(..) => parse::parse_number(v).ok().map(|_| v.to_string()),
        Expect::CreditCode => (v.trim().chars().count() == 18
            && v.trim().chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| v.to_string()),
        Expect::Id | Expect::Ref(_) | Expect::Text => Some(v.to_string()),
    }
}

/// Whether zdz reads a value as it is, for what the field expects.
fn read_as_is(expect: Expect, v: &str) -> bool {
    match expect {
        Expect::PipeKind => parse::parse_pipe_kind(v).is_ok(),
        Expect::OutfallKind => parse::parse_outfall_kind(v).is_ok(),
        Expect::ParkLevel => parse::parse_park_level(v).is_ok(),
        Expect::Bool => parse::parse_bool(v).is_ok(),
        _ => true,
    }
}

/// Share of the sampled values (by count) that fit, 0–1.
pub fn share(expect: Expect, f: &FieldInfo) -> f64 {
    let total: usize = f.values.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return 0.0;
    }
    let fit: usize = f
        .values
        .iter()
        .filter(|(v, _)| classify(expect, v).is_some())
        .map(|(_, n)| n)
        .sum();
    fit as f64 / total as f64
}

/// The `values` map a field needs: each value zdz would not read as it is, to the
/// canonical value its words give. Empty when every value reads as it is.
pub fn map(expect: Expect, f: &FieldInfo) -> BTreeMap<String, String> {
    f.values
        .iter()
        .filter(|(v, _)| !read_as_is(expect, v))
        .filter_map(|(v, _)| classify(expect, v).map(|c| (v.clone(), c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_by_their_words() {
        assert_eq!(pipe_kind("污水管"), Some("sewage"));
        assert_eq!(pipe_kind("雨水管道"), Some("storm"));
        assert_eq!(pipe_kind("合流管"), Some("combined"));
        assert_eq!(pipe_kind("Combined sewer pipe"), Some("combined"));
        assert_eq!(pipe_kind("Sewer pipe"), Some("sewage"));
        assert_eq!(pipe_kind("Stormwater pipe"), Some("storm"));
        assert_eq!(pipe_kind("Wastewater"), Some("sewage"));
        assert_eq!(pipe_kind("给水管"), None);
        assert_eq!(outfall_kind("污水厂排口"), Some("plant"));
        assert_eq!(outfall_kind("雨水排口"), Some("storm"));
        assert_eq!(outfall_kind("污水排口"), Some("sewage"));
        assert_eq!(outfall_kind("Combined sewer outfall"), Some("combined"));
        assert!(names_an_outfall("Combined sewer outfall"));
        assert!(!names_an_outfall("Sewer manhole"));
        assert!(!names_an_outfall("雨水口"));
    }

    #[test]
    fn booleans_by_their_prefixes() {
        assert_eq!(boolean("已纳管"), Some("true"));
        assert_eq!(boolean("未纳管"), Some("false"));
        assert_eq!(boolean("已接管"), Some("true"));
        assert_eq!(boolean("未接入"), Some("false"));
        assert_eq!(boolean("是"), Some("true"));
        assert_eq!(boolean("化工"), None);
    }
}
