//! Why `zdz ledger import` skips a row of a filled-in problem sheet, in English (the
//! report's `reason`) and in Chinese (the terminal in a Chinese locale).

use super::Unreadable;
use super::workbooks::{NOTE, STATUS, VERSION};

/// Why a row was not applied.
#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    UnknownProblem(String),
    NoVersion,
    Stale {
        workbook: i64,
        ledger: i64,
    },
    /// A status that is not one, with what the parser said of it.
    Status {
        value: String,
        why: String,
    },
    Due(Unreadable),
    DismissalWithoutReason,
    /// The ledger refused the change, in both languages.
    Refused {
        en: String,
        zh: String,
    },
    /// A spot check's row whose kind column (`column`) is not one of its kinds.
    CheckKind {
        column: String,
    },
    /// A spot check's result that is neither pass nor fail.
    CheckResult {
        column: String,
        value: String,
        pass: String,
        fail: String,
    },
    UnknownCheck(String),
    /// A closed problem that failed its check could not be opened again.
    CannotReopen {
        en: String,
        zh: String,
    },
}

impl SkipReason {
    pub fn en(&self) -> String {
        match self {
            SkipReason::UnknownProblem(id) => format!("no problem `{id}` in the ledger"),
            SkipReason::NoVersion => format!(
                "no {VERSION}: the row does not say which version of the entry it was written from (write the workbook with --ledger)"
            ),
            SkipReason::Stale { workbook, ledger } => format!(
                "the entry changed in the ledger after the workbook was written (workbook version {workbook}, ledger version {ledger})"
            ),
            SkipReason::Status { why, .. } => format!("{STATUS}: {why}"),
            SkipReason::Due(why) => format!("完成时限: {why}"),
            SkipReason::DismissalWithoutReason => {
                format!("不予认定 needs a reason: fill in the {NOTE} column")
            }
            SkipReason::Refused { en, .. } => en.clone(),
            SkipReason::CheckKind { column } => {
                format!("{column} is not 排口, 企业 or 已销号问题")
            }
            SkipReason::CheckResult {
                column,
                value,
                pass,
                fail,
            } => format!("{column} `{value}` is neither {pass} nor {fail}"),
            SkipReason::UnknownCheck(c) => format!("no spot check {c} in this ledger"),
            SkipReason::CannotReopen { en, .. } => format!("cannot reopen: {en}"),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            SkipReason::UnknownProblem(id) => format!("问题台账中没有问题 {id}"),
            SkipReason::NoVersion => {
                format!("缺少“{VERSION}”：无法确定该行依据的台账版本（请用 --ledger 生成工作簿）")
            }
            SkipReason::Stale { workbook, ledger } => format!(
                "工作簿生成后台账中该问题已有变更（工作簿版本 {workbook}，台账版本 {ledger}）"
            ),
            SkipReason::Status { value, .. } => format!(
                "{STATUS}“{value}”无法识别（可填 待整改、整改中、待验收、已销号、不予认定）"
            ),
            SkipReason::Due(why) => format!("完成时限{}", why.zh()),
            SkipReason::DismissalWithoutReason => format!("不予认定须说明理由：请填写“{NOTE}”列"),
            SkipReason::Refused { zh, .. } => zh.clone(),
            SkipReason::CheckKind { column } => {
                format!("“{column}”须为 排口、企业 或 已销号问题")
            }
            SkipReason::CheckResult {
                column,
                value,
                pass,
                fail,
            } => format!("“{column}”填写的“{value}”既不是{pass}也不是{fail}"),
            SkipReason::UnknownCheck(c) => format!("本台账中没有抽查 {c}"),
            SkipReason::CannotReopen { zh, .. } => format!("无法重新打开：{zh}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skipped_row_says_why_in_each_language() {
        let r = SkipReason::Stale {
            workbook: 2,
            ledger: 3,
        };
        assert!(r.en().contains("workbook version 2, ledger version 3"));
        assert_eq!(
            r.zh(),
            "工作簿生成后台账中该问题已有变更（工作簿版本 2，台账版本 3）"
        );
        assert_eq!(
            SkipReason::Due(Unreadable::Date("下周".into())).zh(),
            "完成时限“下周”不是日期（可写 2025-03-01、2025/3/1、2025年3月1日 或 Excel 日期）"
        );
    }
}
