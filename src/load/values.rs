//! Attribute values as bureaus write them: booleans as 是/否 or Y/N, kinds in English or
//! Chinese, numbers with thousands separators or a unit. A value that cannot be read is an
//! error for the caller to report with the feature; it never becomes a silent zero.

use crate::model::{OutfallKind, ParkLevel, PipeKind};

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// true/false, 1/0, 是/否, Y/N, yes/no, T/F.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match norm(s).as_str() {
        "true" | "1" | "是" | "y" | "yes" | "t" | "已纳管" | "纳管" => Ok(true),
        "false" | "0" | "否" | "n" | "no" | "f" | "未纳管" => Ok(false),
        other => Err(format!(
            "`{other}` is not a boolean (true/false, 1/0, 是/否, Y/N)"
        )),
    }
}

pub fn parse_pipe_kind(s: &str) -> Result<PipeKind, String> {
    match norm(s).as_str() {
        "sewage" | "sewer" | "污水" | "污水管" | "wastewater" | "sanitary" | "ws" => {
            Ok(PipeKind::Sewage)
        }
        "storm" | "雨水" | "雨水管" | "stormwater" | "ys" => Ok(PipeKind::Storm),
        "combined" | "合流" | "合流管" | "hl" => Ok(PipeKind::Combined),
        other => Err(format!(
            "`{other}` is not a pipe kind (sewage/storm/combined, 污水/雨水/合流)"
        )),
    }
}

pub fn parse_outfall_kind(s: &str) -> Result<OutfallKind, String> {
    match norm(s).as_str() {
        "storm" | "雨水" | "雨水排口" | "stormwater" => Ok(OutfallKind::Storm),
        "sewage" | "污水" | "污水排口" | "wastewater" => Ok(OutfallKind::Sewage),
        "combined" | "合流" | "合流排口" | "cso" => Ok(OutfallKind::Combined),
        "plant" | "污水厂" | "污水处理厂" | "污水厂排口" => Ok(OutfallKind::Plant),
        other => Err(format!(
            "`{other}` is not an outfall kind (storm/sewage/combined/plant, 雨水/污水/合流/污水厂)"
        )),
    }
}

pub fn parse_park_level(s: &str) -> Result<ParkLevel, String> {
    match norm(s).as_str() {
        "national" | "国家级" | "国家" => Ok(ParkLevel::National),
        "provincial" | "省级" | "市级" | "省" => Ok(ParkLevel::Provincial),
        other => Err(format!(
            "`{other}` is not a park level (national/provincial, 国家级/省级)"
        )),
    }
}

/// Units a number may carry; the value is taken as written (t/d and m³/d of water are equal).
const UNITS: &[&str] = &[
    "t/d",
    "吨/日",
    "吨/天",
    "t",
    "吨",
    "m3/d",
    "m³/d",
    "立方米/日",
    "方/日",
    "mm",
    "毫米",
    "m",
    "米",
    "级",
];

/// A number, allowing `1,200`, `1 200`, `1200吨/日`; anything else is an error.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let split = cleaned
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_digit()
                || *c == '.'
                || ((*c == '-' || *c == '+') && *i == 0)
                || *c == 'e'
                || *c == 'E')
        })
        .map(|(i, _)| i)
        .unwrap_or(cleaned.len());
    let (num, unit) = cleaned.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{}` is not a number", s.trim()))?;
    if !value.is_finite() {
        return Err(format!("`{}` is not a finite number", s.trim()));
    }
    if unit.is_empty() || UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u)) {
        Ok(value)
    } else {
        Err(format!("`{}` has an unknown unit `{unit}`", s.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_read_in_english_chinese_and_letters() {
        for t in ["true", "1", "是", "Y", "yes"] {
            assert_eq!(parse_bool(t), Ok(true), "{t}");
        }
        for f in ["false", "0", "否", "n", "No"] {
            assert_eq!(parse_bool(f), Ok(false), "{f}");
        }
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn kinds_read_in_english_or_chinese() {
        assert_eq!(parse_pipe_kind("污水"), Ok(PipeKind::Sewage));
        assert_eq!(parse_pipe_kind("Storm"), Ok(PipeKind::Storm));
        assert_eq!(parse_pipe_kind("合流"), Ok(PipeKind::Combined));
        assert_eq!(parse_outfall_kind("污水厂"), Ok(OutfallKind::Plant));
        assert_eq!(parse_park_level("国家级"), Ok(ParkLevel::National));
        assert!(parse_pipe_kind("gas").is_err());
    }

    #[test]
    fn numbers_with_separators_and_units_parse_and_others_are_errors() {
        assert_eq!(parse_number("1,200"), Ok(1200.0));
        assert_eq!(parse_number("1200吨/日"), Ok(1200.0));
        assert_eq!(parse_number(" 35.5 "), Ok(35.5));
        assert!(parse_number("about 1200").is_err());
        assert!(parse_number("1200 bananas").is_err());
    }
}
