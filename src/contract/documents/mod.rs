//! The words of the documents `zdz report` writes (a cluster's 排查整治报告, the city's
//! overview, the signboards, the 建设总结报告) and of their maps and charts, in the
//! document's language: Chinese by default, English with `zdz report --lang en`. A phrase
//! is a method of [`Lang`] holding both forms; a builder asks its document's `Lang` for it
//! and writes no words of its own.

use super::{CampaignStatus, LayerKind, ProblemCode, ReadinessGroup, Vocabulary, words};

/// The language of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// 中文, what a bureau submits.
    #[default]
    Zh,
    /// English.
    En,
}

/// Phrases as methods of [`Lang`]: `name(arg, …) => "中文 {arg}", "English {arg}";`. Every
/// argument is used by both forms (the compiler checks it); the Chinese form is the doc.
macro_rules! phrases {
    ($( $name:ident ( $($arg:ident),* ) => $zh:literal, $en:literal; )*) => {
        impl $crate::contract::documents::Lang {
            $(
                #[doc = $zh]
                #[allow(clippy::useless_format)]
                pub fn $name(self $(, $arg: impl std::fmt::Display)*) -> String {
                    match self {
                        Self::Zh => format!($zh $(, $arg = $arg)*),
                        Self::En => format!($en $(, $arg = $arg)*),
                    }
                }
            )*
        }
    };
}
pub(crate) use phrases;

/// The city's overview.
mod city;
/// A cluster's report.
mod cluster;
/// Maps and charts.
mod figures;
/// The outfall signboards.
mod signboards;
/// A spot check's field sheet.
mod spotcheck;
/// The 建设总结报告.
mod summary;

impl Lang {
    /// `zh` or `en` (also `zh-CN`, `chinese`, `english`, any case).
    pub fn parse(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "chinese" | "中文" => Ok(Lang::Zh),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("`{other}` is not a document language: zh or en")),
        }
    }

    /// The form of this language out of a pair a table already holds.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A value zdz writes, worded; a value no table words (a user's own) as it is.
    pub fn word(self, vocabulary: Vocabulary, value: &str) -> &str {
        words::word(vocabulary, value).map_or(value, |w| self.pick(w.zh, w.en))
    }

    /// Reasons joined by `+`, worded and listed: 长江沿线、国家级园区 / in corridor, national.
    pub fn reasons(self, vocabulary: Vocabulary, joined: &str) -> String {
        joined
            .split('+')
            .map(|r| self.word(vocabulary, r))
            .collect::<Vec<_>>()
            .join(self.pick("、", ", "))
    }

    /// A table's headers from a phrase of `|`-separated columns.
    pub fn columns(text: String) -> Vec<String> {
        text.split('|').map(String::from).collect()
    }

    /// The list separator: 、 or `, `.
    pub fn list(self, items: &[String]) -> String {
        items.join(self.pick("、", ", "))
    }

    /// What a rubric item counts (`storm_outfalls`): 雨水排口 / storm outfalls.
    pub fn population(self, of: &str) -> String {
        match self {
            Lang::Zh => words::population_zh(of)
                .trim_start_matches(['家', '个', '条', '座'])
                .to_string(),
            Lang::En => of.replace('_', " "),
        }
    }

    /// A link of the chain (源, 网, 厂, 口, 其他) as read.
    pub fn chain(self, link: &str) -> &str {
        match (self, link) {
            (Lang::Zh, k) => k,
            (Lang::En, "源") => "sources",
            (Lang::En, "网") => "network",
            (Lang::En, "厂") => "plants",
            (Lang::En, "口") => "outfalls",
            (Lang::En, "其他") => "other",
            (Lang::En, k) => k,
        }
    }

    /// 是 / 否, yes / no.
    pub fn yes_no(self, b: bool) -> &'static str {
        match (self, b) {
            (Lang::Zh, b) => words::yes_no(b),
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
    }

    pub fn problem(self, code: ProblemCode) -> &'static str {
        self.pick(code.label_zh(), code.label_en())
    }

    /// A problem code as the ledger spells it, worded when it is one zdz knows.
    pub fn problem_named(self, code: &str) -> &str {
        ProblemCode::from_name(code).map_or(code, |c| self.problem(c))
    }

    pub fn layer(self, k: LayerKind) -> &'static str {
        // `pipes` → `pipe`: the layer's name for one of its features.
        self.pick(k.label_zh(), k.name().trim_end_matches('s'))
    }

    pub fn campaign(self, s: CampaignStatus) -> &'static str {
        self.pick(s.label_zh(), s.label_en())
    }

    pub fn group(self, g: ReadinessGroup) -> &'static str {
        self.pick(g.label_zh(), g.label_en())
    }

    /// Metres as read: `850 m`, `1.2 km` (the same in both).
    pub fn metres(self, m: f64) -> String {
        if m >= 1000.0 {
            format!("{:.1} km", m / 1000.0)
        } else {
            format!("{m:.0} m")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_reads_in_each_language_with_its_numbers() {
        assert_eq!(Lang::Zh.enterprises_in_cluster(13), "组团内企业 13 家。");
        assert_eq!(
            Lang::En.enterprises_in_cluster(13),
            "13 enterprises in the cluster."
        );
        assert_eq!(Lang::parse("EN"), Ok(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Ok(Lang::Zh));
        assert!(Lang::parse("fr").is_err());
        assert_eq!(
            Lang::En.reasons(Vocabulary::DeadlineReason, "in_corridor"),
            words::word(Vocabulary::DeadlineReason, "in_corridor")
                .unwrap()
                .en
        );
    }
}
