//! The statuses of a ledger entry (docs/rules.md): 待整改 → 整改中 → 待验收 → 已销号, and 不予认定.
//! Input takes the English or the Chinese word.

use serde::{Deserialize, Serialize};

/// A status as the API takes it: the English word or the Chinese one.
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
pub enum Status {
    #[serde(alias = "待整改")]
    Open,
    #[serde(alias = "整改中")]
    InProgress,
    #[serde(alias = "待验收")]
    AwaitingReview,
    #[serde(alias = "已销号")]
    Closed,
    #[serde(alias = "不予认定")]
    Dismissed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::InProgress,
        Status::AwaitingReview,
        Status::Closed,
        Status::Dismissed,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn zh(self) -> &'static str {
        match self {
            Status::Open => "待整改",
            Status::InProgress => "整改中",
            Status::AwaitingReview => "待验收",
            Status::Closed => "已销号",
            Status::Dismissed => "不予认定",
        }
    }

    /// The status in English words, for a document in English.
    pub fn en(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in progress",
            Status::AwaitingReview => "awaiting review",
            Status::Closed => "closed",
            Status::Dismissed => "dismissed",
        }
    }

    /// A status in English (`in_progress`, `in progress`) or Chinese (整改中).
    /// A status exactly as the API's enum spells it: `open` … or `待整改` ….
    pub fn parse_exact(s: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s || st.zh() == s)
            .ok_or_else(|| {
                Status::parse(s)
                    .err()
                    .unwrap_or_else(|| format!("`{s}` is not spelt as a status"))
            })
    }

    pub fn parse(s: &str) -> Result<Status, String> {
        let t = s.trim();
        let key = t.to_lowercase().replace([' ', '-'], "_");
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == key || st.zh() == t)
            .ok_or_else(|| {
                format!(
                    "`{t}` is not a status; the statuses are {}",
                    Status::ALL
                        .iter()
                        .map(|s| format!("{} ({})", s.as_str(), s.zh()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }

    /// Still to be dealt with: counted as outstanding and as overdue past its due date.
    pub fn outstanding(self) -> bool {
        !matches!(self, Status::Closed | Status::Dismissed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_in_english_and_chinese() {
        assert_eq!(Status::parse("整改中"), Ok(Status::InProgress));
        assert_eq!(Status::parse("awaiting_review"), Ok(Status::AwaitingReview));
        assert_eq!(Status::parse("In progress"), Ok(Status::InProgress));
        assert_eq!(Status::parse("已销号"), Ok(Status::Closed));
        assert!(Status::parse("done").is_err());
    }
}
