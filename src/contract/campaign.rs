//! The campaign status of a cluster (`campaign_status`) as of a date: where it stands in the
//! notice's loop, from the city's first question (which clusters due by a passed deadline
//! are still not accepted) to 销号.

use serde::{Deserialize, Serialize};

/// Where a cluster stands in the campaign.
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
pub enum CampaignStatus {
    /// Its latest official acceptance scored at or above the pass line (已销号).
    Accepted,
    /// Accepted, and a later run detects a problem that was not detected when it was
    /// accepted, until that problem is no longer detected (回头看).
    Recheck,
    /// Its deadline has passed and it is not accepted (逾期).
    Overdue,
    /// Its deadline is ahead and it is not accepted (整治中).
    Due,
    /// Not part of the campaign: no enterprise inside (不纳入).
    OutOfScope,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 5] = [
        CampaignStatus::Accepted,
        CampaignStatus::Recheck,
        CampaignStatus::Overdue,
        CampaignStatus::Due,
        CampaignStatus::OutOfScope,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CampaignStatus::Accepted => "已销号",
            CampaignStatus::Recheck => "回头看",
            CampaignStatus::Overdue => "逾期",
            CampaignStatus::Due => "整治中",
            CampaignStatus::OutOfScope => "不纳入",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CampaignStatus::Accepted => "accepted",
            CampaignStatus::Recheck => "recheck",
            CampaignStatus::Overdue => "overdue",
            CampaignStatus::Due => "in progress",
            CampaignStatus::OutOfScope => "out of scope",
        }
    }
}
