//! The city's dashboard: by district and by deadline, the clusters accepted (已销号),
//! under 回头看, overdue and in progress, and the problems open, in progress, awaiting
//! review, closed and dismissed, overdue, recurrences and the share closed; the overdue
//! clusters and problems first. The problem numbers are `zdz ledger report`'s and
//! `/api/ledger/progress`'s (one function counts them); each links to the list it counts.
//! A district user sees its own district.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};

use super::html::{frame, respond};
use super::{blocking, signed_in, unavailable};
use crate::contract::CampaignStatus;
use crate::contract::pages as w;
use crate::ledger::entry::Filter;
use crate::ledger::progress::{Tally, progress};
use crate::ledger::status::Status;
use crate::ledger::users::Role;
use crate::serve::state::AppState;

/// The campaign statuses a dashboard row counts clusters by.
const COUNTED: [CampaignStatus; 4] = [
    CampaignStatus::Accepted,
    CampaignStatus::Recheck,
    CampaignStatus::Overdue,
    CampaignStatus::Due,
];

/// Clusters by campaign status.
type Counts = BTreeMap<CampaignStatus, usize>;

/// `GET /dashboard`
pub async fn page(State(state): State<Arc<AppState>>, headers: HeaderMap, uri: Uri) -> Response {
    let (session, ledger) = match signed_in(&state, &headers, &uri).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let district = (session.actor.role == Role::District)
        .then(|| session.actor.district.clone())
        .flatten();
    let filter = Filter {
        district: district.clone(),
        ..Filter::default()
    };
    let today = crate::clock::today();
    let p = match blocking(move || progress(ledger.store(), &filter, today)).await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    // The clusters' campaign status, from the served analysis.
    let snapshot = state.current();
    let mut by_district: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_deadline: BTreeMap<String, Counts> = BTreeMap::new();
    let mut overdue_clusters = Vec::new();
    if let Some(c) = snapshot.collection("clusters") {
        for i in 0..c.len() {
            let d = c.text(i, "district").unwrap_or_default().to_string();
            if district.as_ref().is_some_and(|x| *x != d) {
                continue;
            }
            let Some(s) = c
                .text(i, "campaign_status")
                .and_then(|s| CampaignStatus::ALL.into_iter().find(|c| c.as_str() == s))
            else {
                continue;
            };
            let deadline = c.text(i, "deadline").unwrap_or_default().to_string();
            *by_district
                .entry(d.clone())
                .or_default()
                .entry(s)
                .or_default() += 1;
            *by_deadline
                .entry(deadline.clone())
                .or_default()
                .entry(s)
                .or_default() += 1;
            if s == CampaignStatus::Overdue {
                let name = c.text(i, "name").unwrap_or_default().to_string();
                overdue_clusters.push((c.item(i).id.to_string(), name, d, deadline));
            }
        }
    }
    // The problems by the deadline of their cluster.
    let mut deadline_tally: BTreeMap<String, Tally> = BTreeMap::new();
    for c in &p.clusters {
        let t = deadline_tally
            .entry(c.deadline.clone().unwrap_or_default())
            .or_default();
        t.merge(&c.tally);
    }
    for t in deadline_tally.values_mut() {
        t.finish();
    }
    let district_rows: Vec<(String, Tally)> = p
        .districts
        .iter()
        .map(|d| (d.district.clone(), d.tally.clone()))
        .collect();
    let deadline_rows: Vec<(String, Tally)> = deadline_tally.into_iter().collect();
    let body = html! {
        p { (w::AS_OF) (p.today) }
        div.lists {
            section {
                h2 { (w::OVERDUE_CLUSTERS) " " span.count { (w::COUNT) " " (overdue_clusters.len()) " " (w::CLUSTERS_UNIT) } }
                ul.overdue {
                    @for (id, name, d, deadline) in &overdue_clusters {
                        li { a href={ "/problems?cluster=" (id) } { (id) " " (name) } " · " (d) " · " (deadline) }
                    }
                }
            }
            section {
                h2 { (w::OVERDUE_PROBLEMS) " " span.count { (w::COUNT) " " (p.overdue.len()) " " (w::ITEMS_UNIT) } }
                ul.overdue {
                    @for e in &p.overdue {
                        li {
                            a href={ "/problems/" (e.problem_id) } { (e.problem_id) }
                            " · " (e.cluster_id.as_deref().unwrap_or("")) " · " (e.due.as_deref().unwrap_or(""))
                        }
                    }
                }
            }
        }
        h2 { (w::BY_DISTRICT) }
        (table("district", &district_rows, &by_district, &p.total))
        h2 { (w::BY_DEADLINE) }
        (table("deadline", &deadline_rows, &by_deadline, &p.total))
    };
    respond(
        StatusCode::OK,
        frame(w::DASHBOARD_TITLE, Some(&session), body),
    )
}

/// A link to the list a number counts, when it counts something.
fn counted(n: usize, href: String) -> Markup {
    html! {
        @if n == 0 { (n) } @else { a href=(href) { (n) } }
    }
}

/// One table of rows keyed by district or by deadline.
fn table(
    key: &str,
    rows: &[(String, Tally)],
    clusters: &BTreeMap<String, Counts>,
    total: &Tally,
) -> Markup {
    let label = |k: &str| {
        if key == "deadline" {
            crate::contract::words::zh(crate::contract::words::Vocabulary::Deadline, k).to_string()
        } else {
            k.to_string()
        }
    };
    let link = |k: &str, extra: &str| -> String {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair(key, k)
            .finish();
        format!("/problems?{q}{extra}")
    };
    let mut keys: Vec<&String> = rows.iter().map(|(k, _)| k).collect();
    keys.extend(
        clusters
            .keys()
            .filter(|k| !rows.iter().any(|(r, _)| r == *k)),
    );
    keys.sort();
    let tally_of = |k: &str| rows.iter().find(|(r, _)| r == k).map(|(_, t)| t);
    html! {
        div.scroll {
            table.dashboard data-by=(key) {
                thead { tr {
                    th { (if key == "deadline" { w::DEADLINE } else { w::DISTRICT }) }
                    @for s in COUNTED { th { (w::CLUSTERS) "·" (s.label_zh()) } }
                    th { (w::FOUND) }
                    @for s in Status::ALL { th { (s.zh()) } }
                    th { (w::OVERDUE) } th { (w::RECURRENCES) } th { (w::SHARE_CLOSED) }
                } }
                tbody {
                    @for k in keys {
                        @let empty = Tally::default();
                        @let t = tally_of(k).unwrap_or(&empty);
                        @let counts = clusters.get(k);
                        tr data-key=(k) {
                            th { (label(k)) }
                            @for s in COUNTED {
                                @let n = counts.and_then(|c| c.get(&s)).copied().unwrap_or(0);
                                td data-k={ "clusters_" (s.as_str()) } {
                                    (counted(n, link(k, &format!("&campaign_status={}", s.as_str()))))
                                }
                            }
                            (tally_cells(t, |extra| link(k, extra)))
                        }
                    }
                }
                tfoot {
                    tr data-key="" {
                        th { (w::TOTAL) }
                        @for s in COUNTED {
                            @let n: usize = clusters.values().filter_map(|c| c.get(&s)).sum();
                            td data-k={ "clusters_" (s.as_str()) } { (n) }
                        }
                        (tally_cells(total, |extra| format!("/problems?{}", extra.trim_start_matches('&'))))
                    }
                }
            }
        }
    }
}

/// The problem numbers of a row, each linking to its list.
fn tally_cells(t: &Tally, link: impl Fn(&str) -> String) -> Markup {
    let by_status = [
        t.open,
        t.in_progress,
        t.awaiting_review,
        t.closed,
        t.dismissed,
    ];
    html! {
        td data-k="found" { (counted(t.found, link(""))) }
        @for (s, n) in Status::ALL.iter().zip(by_status) {
            td data-k=(s.as_str()) { (counted(n, link(&format!("&status={}", s.as_str())))) }
        }
        td data-k="overdue" { (counted(t.overdue, link("&overdue=1"))) }
        td data-k="recurrences" { (t.recurrences) }
        td data-k="share_closed" { (format!("{:.1}%", t.share_closed * 100.0)) }
    }
}
