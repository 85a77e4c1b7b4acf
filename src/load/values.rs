//! Attribute values as bureaus write them: booleans as 是/否 or Y/N, kinds in English or
//! Chinese, numbers with thousands separators or a unit. A value that cannot be read is an
//! error for the caller to report with the feature; it never becomes a silent zero.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::contract::Unreadable;
use crate::model::{OutfallKind, ParkLevel, PipeKind, Weather};

fn norm(s: &str) -> std::borrow::Cow<'_, str> {
    let s = s.trim();
    // Most values are already lower-case ASCII (two million pipe kinds at national scale):
    // those are matched as they are, without a lower-cased copy each.
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// true/false, 1/0, 是/否, Y/N, yes/no, T/F.
pub fn parse_bool(s: &str) -> Result<bool, Unreadable> {
    match &*norm(s) {
        "true" | "1" | "是" | "y" | "yes" | "t" | "已纳管" | "纳管" => Ok(true),
        "false" | "0" | "否" | "n" | "no" | "f" | "未纳管" => Ok(false),
        other => Err(Unreadable::Boolean(other.into())),
    }
}

pub fn parse_pipe_kind(s: &str) -> Result<PipeKind, Unreadable> {
    match &*norm(s) {
        "sewage" | "sewer" | "污水" | "污水管" | "污水井" | "污水检查井" | "wastewater"
        | "sanitary" | "ws" => Ok(PipeKind::Sewage),
        "storm" | "雨水" | "雨水管" | "雨水井" | "雨水检查井" | "stormwater" | "ys" => {
            Ok(PipeKind::Storm)
        }
        "combined" | "合流" | "合流管" | "合流井" | "合流检查井" | "hl" | "hs" => {
            Ok(PipeKind::Combined)
        }
        other => Err(Unreadable::PipeKind(other.into())),
    }
}

pub fn parse_outfall_kind(s: &str) -> Result<OutfallKind, Unreadable> {
    match &*norm(s) {
        "storm" | "雨水" | "雨水排口" | "stormwater" => Ok(OutfallKind::Storm),
        "sewage" | "污水" | "污水排口" | "wastewater" => Ok(OutfallKind::Sewage),
        "combined" | "合流" | "合流排口" | "cso" => Ok(OutfallKind::Combined),
        "plant" | "污水厂" | "污水处理厂" | "污水厂排口" => Ok(OutfallKind::Plant),
        other => Err(Unreadable::OutfallKind(other.into())),
    }
}

pub fn parse_park_level(s: &str) -> Result<ParkLevel, Unreadable> {
    match &*norm(s) {
        "national" | "国家级" | "国家" => Ok(ParkLevel::National),
        "provincial" | "省级" | "市级" | "省" => Ok(ParkLevel::Provincial),
        other => Err(Unreadable::ParkLevel(other.into())),
    }
}

/// 晴/阴/多云 (and sunny, cloudy, overcast, dry) are dry; anything with 雨 (or rain,
/// shower, wet) is rain.
pub fn parse_weather(s: &str) -> Result<Weather, Unreadable> {
    let w = norm(s);
    if w.contains('雨')
        || ["rain", "shower", "wet", "storm"]
            .iter()
            .any(|r| w.contains(r))
    {
        return Ok(Weather::Rain);
    }
    let dry = ['晴', '阴', '云'];
    if w.chars().any(|c| dry.contains(&c))
        || ["dry", "sunny", "clear", "cloudy", "overcast", "fine"].contains(&&*w)
    {
        return Ok(Weather::Dry);
    }
    Err(Unreadable::Weather(s.trim().into()))
}

/// The day Excel counts its serial dates from (serial 1 = 1900-01-01, with Lotus's phantom
/// 1900-02-29, so modern serials count from 1899-12-30).
fn excel_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("a valid date")
        .and_time(NaiveTime::MIN)
}

/// A date as bureaus write it: `2025-03-01`, `2025/3/1`, `2025.3.1`, `20250301`,
/// `2025年3月1日`, each optionally followed by a time (`10:30`, `T10:30:00`, a zone
/// ignored), or an Excel serial date (`45717`, `45717.5`).
pub fn parse_date(s: &str) -> Result<NaiveDateTime, Unreadable> {
    let t = s.trim();
    let bad = || Unreadable::Date(t.into());
    // An Excel serial: a plain number in the years 1955–2118.
    if let Ok(serial) = t.parse::<f64>()
        && !t.contains(['-', '/'])
        && (20_000.0..80_000.0).contains(&serial)
        && t.len() != 8
    {
        let seconds = (serial * 86_400.0).round() as i64;
        return Ok(excel_epoch() + Duration::seconds(seconds));
    }
    let (date, time) = match t.find(['T', ' ']) {
        Some(i) if i >= 8 => (&t[..i], t[i + 1..].trim()),
        _ => (t, ""),
    };
    let date = date.trim_end_matches('日');
    let parts: Vec<&str> = if date.len() == 8 && date.chars().all(|c| c.is_ascii_digit()) {
        vec![&date[..4], &date[4..6], &date[6..]]
    } else {
        date.split(['-', '/', '.', '年', '月']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |p: &str| p.trim().parse::<u32>().map_err(|_| bad());
    let year = i32::try_from(num(y)?).map_err(|_| bad())?;
    let date = NaiveDate::from_ymd_opt(year, num(m)?, num(d)?)
        .filter(|_| (1900..=2200).contains(&year))
        .ok_or_else(bad)?;
    // The time, without any zone after it (`10:30:00 +08:00`, `10:30:00Z`).
    let time = time.split([' ', '+', '-', 'Z']).next().unwrap_or("").trim();
    let time = if time.is_empty() {
        NaiveTime::MIN
    } else {
        NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
            .map_err(|_| bad())?
    };
    Ok(date.and_time(time))
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
    "mg/l",
    "毫克/升",
];

/// A number, allowing `1,200`, `1 200`, `1200吨/日`; anything else is an error.
pub fn parse_number(s: &str) -> Result<f64, Unreadable> {
    // Most values are plain numbers: read without copying them first.
    if let Ok(v) = s.trim().parse::<f64>()
        && v.is_finite()
    {
        return Ok(v);
    }
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
        .map_err(|_| Unreadable::Number(s.trim().into()))?;
    if !value.is_finite() {
        return Err(Unreadable::NotFinite(s.trim().into()));
    }
    if unit.is_empty() || UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u)) {
        Ok(value)
    } else {
        Err(Unreadable::Unit {
            value: s.trim().into(),
            unit: unit.into(),
        })
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

    fn ymd(s: &str) -> String {
        parse_date(s).unwrap().to_string()
    }

    #[test]
    fn dates_read_in_iso_slashes_chinese_compact_and_excel_serials() {
        assert_eq!(ymd("2025-03-01"), "2025-03-01 00:00:00");
        assert_eq!(ymd("2025/3/1"), "2025-03-01 00:00:00");
        assert_eq!(ymd("2025年3月1日"), "2025-03-01 00:00:00");
        assert_eq!(ymd("20250301"), "2025-03-01 00:00:00");
        assert_eq!(ymd("2025-03-01 10:30"), "2025-03-01 10:30:00");
        assert_eq!(ymd("2025-03-01T10:30:00+08:00"), "2025-03-01 10:30:00");
        assert_eq!(ymd("2025-03-01 00:00:00 +00:00"), "2025-03-01 00:00:00");
        // Excel: 45717 is 2025-03-01; .5 is noon.
        assert_eq!(ymd("45717"), "2025-03-01 00:00:00");
        assert_eq!(ymd("45717.5"), "2025-03-01 12:00:00");
        for bad in ["2025-13-01", "2025-02-30", "yesterday", "3/1", "", "1200"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn weather_sunny_overcast_and_cloudy_are_dry_and_any_rain_is_rain() {
        for dry in ["晴", "阴", "多云", "晴转多云", "dry", "Sunny"] {
            assert_eq!(parse_weather(dry), Ok(Weather::Dry), "{dry}");
        }
        for rain in ["雨", "小雨", "阵雨", "多云转小雨", "rain", "Rainy"] {
            assert_eq!(parse_weather(rain), Ok(Weather::Rain), "{rain}");
        }
        assert!(parse_weather("雪").is_err());
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
