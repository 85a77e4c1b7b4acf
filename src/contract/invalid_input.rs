//! Why the ledger does not take a value as given (a date that is not one, a score out of
//! range, a password too short): worded in English for the command line and the API, and
//! in Chinese for the pages and a Chinese terminal. A rule of the campaign that refuses a
//! change is a `Refusal` instead.

use super::Unreadable;

/// A value the ledger does not take.
#[derive(Debug, Clone, PartialEq)]
pub enum InvalidInput {
    /// A due date that is not a date.
    Due(Unreadable),
    EvidenceTooLarge {
        file: String,
        bytes: usize,
        max: usize,
    },
    NotSha256(String),
    AcceptanceDate(String),
    Score(f64),
    ItemPoints(String),
    PasswordTooShort(usize),
    DistrictNeeded,
    InspectionDate(String),
    InspectionInFuture(String),
    Weather(Unreadable),
    /// A concentration (`COD`, `NH3-N`) that is not a number ≥ 0.
    Concentration(&'static str),
    InspectionId,
    /// A value no person types (a form field a page fills in), as the parser said it.
    Other(String),
}

impl InvalidInput {
    pub fn en(&self) -> String {
        match self {
            InvalidInput::Due(why) => format!("due: {why}"),
            InvalidInput::EvidenceTooLarge { file, bytes, max } => {
                format!("evidence {file} is {bytes} bytes; at most {max} are taken")
            }
            InvalidInput::NotSha256(s) => format!("`{s}` is not a SHA-256 in hex"),
            InvalidInput::AcceptanceDate(d) => {
                format!("the acceptance date `{d}` is not a date (YYYY-MM-DD)")
            }
            InvalidInput::Score(s) => format!("the score {s} is not between 0 and 100"),
            InvalidInput::ItemPoints(item) => {
                format!("item {item}: points must be between 0 and 100")
            }
            InvalidInput::PasswordTooShort(n) => {
                format!("a password needs at least {n} characters")
            }
            InvalidInput::DistrictNeeded => {
                "a district user needs a district (the district whose problems it may change)"
                    .into()
            }
            InvalidInput::InspectionDate(d) => format!("date = `{d}` is not a date YYYY-MM-DD"),
            InvalidInput::InspectionInFuture(d) => format!("date = {d} is not a day that has been"),
            InvalidInput::Weather(why) => why.en(),
            InvalidInput::Concentration(name) => {
                format!("{name} must be a number of mg/L, 0 or more")
            }
            InvalidInput::InspectionId => {
                "an inspection needs an id of at most 64 characters".into()
            }
            InvalidInput::Other(m) => m.clone(),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            InvalidInput::Due(why) => format!("完成时限{}", why.zh()),
            InvalidInput::EvidenceTooLarge { file, bytes, max } => {
                format!("佐证材料 {file} 为 {bytes} 字节，超过上限 {max} 字节")
            }
            InvalidInput::NotSha256(s) => format!("“{s}”不是十六进制的 SHA-256 值"),
            InvalidInput::AcceptanceDate(d) => format!("验收日期“{d}”不是日期（年-月-日）"),
            InvalidInput::Score(s) => format!("得分 {s} 不在 0 到 100 之间"),
            InvalidInput::ItemPoints(item) => format!("评分项 {item} 的得分须在 0 到 100 之间"),
            InvalidInput::PasswordTooShort(n) => format!("密码至少需要 {n} 个字符"),
            InvalidInput::DistrictNeeded => "区县用户须指定所属区县（可修改该区县的问题）".into(),
            InvalidInput::InspectionDate(d) => format!("排查日期“{d}”不是日期（年-月-日）"),
            InvalidInput::InspectionInFuture(d) => format!("排查日期 {d} 尚未到来"),
            InvalidInput::Weather(why) => why.zh(),
            InvalidInput::Concentration(name) => format!("{name} 须为不小于 0 的数值（mg/L）"),
            InvalidInput::InspectionId => "排查记录须有不超过 64 个字符的编号".into(),
            InvalidInput::Other(m) => m.clone(),
        }
    }
}

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_value_is_a_whole_sentence_in_each_language() {
        let e = InvalidInput::Due(Unreadable::Date("明天".into()));
        assert!(
            e.en().starts_with("due: `明天` is not a date"),
            "{}",
            e.en()
        );
        assert!(e.zh().starts_with("完成时限“明天”不是日期"), "{}", e.zh());
        assert_eq!(
            InvalidInput::Score(120.0).zh(),
            "得分 120 不在 0 到 100 之间"
        );
    }
}
