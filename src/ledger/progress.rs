//! Progress of the 整改 (the 整改工作进展情况表): per district and per cluster, problems
//! found, how many are open, in progress, awaiting review, closed and dismissed, how many
//! are overdue (due date passed, not closed), recurrences, the share closed and the days to
//! the deadline; and the overdue and recurrent problems themselves.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::entry::{self, Entry, Filter};
use super::status::Status;
use super::store::{Store, with};

/// Counts of one district or cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub found: usize,
    pub open: usize,
    pub in_progress: usize,
    pub awaiting_review: usize,
    pub closed: usize,
    pub dismissed: usize,
    pub overdue: usize,
    pub recurrences: i64,
    /// Closed over found less dismissed (1 when nothing is left to close).
    pub share_closed: f64,
}

impl Tally {
    fn add(&mut self, e: &Entry, today: NaiveDate) {
        self.found += 1;
        match e.status {
            Status::Open => self.open += 1,
            Status::InProgress => self.in_progress += 1,
            Status::AwaitingReview => self.awaiting_review += 1,
            Status::Closed => self.closed += 1,
            Status::Dismissed => self.dismissed += 1,
        }
        if overdue(e, today) {
            self.overdue += 1;
        }
        self.recurrences += e.recurrences;
    }

    /// Add another tally's counts (its share closed is recomputed by `finish`).
    pub fn merge(&mut self, other: &Tally) {
        self.found += other.found;
        self.open += other.open;
        self.in_progress += other.in_progress;
        self.awaiting_review += other.awaiting_review;
        self.closed += other.closed;
        self.dismissed += other.dismissed;
        self.overdue += other.overdue;
        self.recurrences += other.recurrences;
    }

    /// The share closed, once every entry is counted.
    pub fn finish(&mut self) {
        let to_close = self.found - self.dismissed;
        self.share_closed = if to_close == 0 {
            1.0
        } else {
            (self.closed as f64 / to_close as f64 * 1000.0).round() / 1000.0
        };
    }
}

/// Past its due date and still outstanding.
pub fn overdue(e: &Entry, today: NaiveDate) -> bool {
    e.status.outstanding()
        && e.due
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .is_some_and(|d| d < today)
}

/// A cluster's name, district and deadline, as the last run saw them.
type ClusterInfo = (Option<String>, Option<String>, Option<String>);

#[derive(Debug, Clone, Serialize)]
pub struct ClusterProgress {
    pub cluster_id: String,
    pub name: Option<String>,
    pub district: Option<String>,
    pub deadline: Option<String>,
    /// Days from today to the deadline (negative: past it).
    pub days_to_deadline: Option<i64>,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictProgress {
    pub district: String,
    pub clusters: usize,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub today: String,
    pub districts: Vec<DistrictProgress>,
    pub clusters: Vec<ClusterProgress>,
    #[serde(skip)]
    pub overdue: Vec<Entry>,
    #[serde(skip)]
    pub recurrent: Vec<Entry>,
    pub total: Tally,
}

/// The progress of the entries `filter` selects, as of `today`.
pub fn progress(store: &dyn Store, filter: &Filter, today: NaiveDate) -> Result<Progress> {
    let (entries, clusters) = with(store, |tx| {
        let entries = entry::list(tx, filter)?;
        let t = "clusters";
        let clusters: BTreeMap<String, ClusterInfo> = tx
            .query(
                "SELECT cluster_id, name, district, deadline FROM clusters",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.text(t, "cluster_id")?,
                    (
                        r.opt_text(t, "name")?,
                        r.opt_text(t, "district")?,
                        r.opt_text(t, "deadline")?,
                    ),
                ))
            })
            .collect::<Result<_>>()?;
        Ok((entries, clusters))
    })?;
    let mut by_cluster: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_district: BTreeMap<String, (std::collections::BTreeSet<String>, Tally)> =
        BTreeMap::new();
    let mut total = Tally::default();
    for e in &entries {
        total.add(e, today);
        let cluster = e.cluster_id.clone().unwrap_or_else(|| "(组团外)".into());
        by_cluster.entry(cluster.clone()).or_default().add(e, today);
        let district = e.district.clone().unwrap_or_else(|| "(未知区县)".into());
        let d = by_district.entry(district).or_default();
        d.0.insert(cluster);
        d.1.add(e, today);
    }
    total.finish();
    let clusters = by_cluster
        .into_iter()
        .map(|(id, mut tally)| {
            tally.finish();
            let (name, district, deadline) = clusters.get(&id).cloned().unwrap_or_default();
            let days = deadline
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(|d| (d - today).num_days());
            ClusterProgress {
                cluster_id: id,
                name,
                district,
                deadline,
                days_to_deadline: days,
                tally,
            }
        })
        .collect();
    let districts = by_district
        .into_iter()
        .map(|(district, (clusters, mut tally))| {
            tally.finish();
            DistrictProgress {
                district,
                clusters: clusters.len(),
                tally,
            }
        })
        .collect();
    let overdue_list = entries
        .iter()
        .filter(|e| overdue(e, today))
        .cloned()
        .collect();
    let recurrent = entries
        .iter()
        .filter(|e| e.recurrences > 0)
        .cloned()
        .collect();
    Ok(Progress {
        today: today.to_string(),
        districts,
        clusters,
        overdue: overdue_list,
        recurrent,
        total,
    })
}
