//! The district's workplace: its clusters with their campaign status and score, its
//! problems (overdue first, filtered by cluster, code, status, due date), and a problem's
//! page: where it is, the rule and detail, the history, the evidence, and the form that
//! changes it at the version the user saw. A stale edit is not saved: the page says who
//! changed the problem meanwhile and shows it as it now is.

use std::sync::Arc;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{self as page, csrf, frame, respond};
use super::paging::Page;
use super::session::Session;
use super::{blocking, parts, signed_form, signed_in, unavailable};
use crate::contract::pages as w;
use crate::contract::{CampaignStatus, ProblemCode};
use crate::ledger::change::{self, Change};
use crate::ledger::entry::{self, Entry, Evidence, Filter};
use crate::ledger::progress::overdue;
use crate::ledger::status::Status;
use crate::ledger::store::with;
use crate::ledger::users::{Actor, Role};
use crate::ledger::{LedgerError, now};
use crate::serve::state::AppState;

/// What the list may be narrowed to; every field as the form sends it (blank: any).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub cluster: Option<String>,
    pub district: Option<String>,
    pub code: Option<String>,
    pub status: Option<String>,
    pub due_before: Option<String>,
    pub overdue: Option<String>,
    pub deadline: Option<String>,
    pub campaign_status: Option<String>,
    /// Which page of the problems (1 first).
    pub page: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A cluster as the list shows it, from the served snapshot.
struct ClusterRow {
    id: String,
    name: String,
    district: String,
    deadline: String,
    status: Option<CampaignStatus>,
    score: Option<String>,
}

fn campaign_status(s: &str) -> Option<CampaignStatus> {
    CampaignStatus::ALL.into_iter().find(|c| c.as_str() == s)
}

/// The served clusters a user may see (a district user: its district's).
fn clusters(state: &AppState, actor: &Actor) -> Vec<ClusterRow> {
    let snapshot = state.current();
    let Some(c) = snapshot.collection("clusters") else {
        return Vec::new();
    };
    (0..c.len())
        .map(|i| {
            let text = |k: &str| c.text(i, k).unwrap_or_default().to_string();
            ClusterRow {
                id: c.item(i).id.to_string(),
                name: text("name"),
                district: text("district"),
                deadline: text("deadline"),
                status: c.text(i, "campaign_status").and_then(campaign_status),
                score: c
                    .property(i, "score")
                    .filter(|v| !v.is_null())
                    .map(|v| v.to_string()),
            }
        })
        .filter(|r| match (&actor.role, &actor.district) {
            (Role::District, Some(d)) => &r.district == d,
            (Role::District, None) => false,
            _ => true,
        })
        .collect()
}

fn deadline_zh(d: &str) -> String {
    crate::contract::words::zh(crate::contract::words::Vocabulary::Deadline, d).to_string()
}

/// `GET /problems`
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Response {
    let (session, ledger) = match signed_in(&state, &headers, &uri).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let actor = &session.actor;
    let status = given(&q.status).and_then(|s| Status::parse(s).ok());
    let filter = Filter {
        cluster: given(&q.cluster).map(String::from),
        district: match actor.role {
            Role::District => actor.district.clone(),
            _ => given(&q.district).map(String::from),
        },
        status,
        code: given(&q.code).map(String::from),
    };
    let entries = match blocking(move || ledger.list(&filter)).await {
        Ok(e) => e,
        Err(e) => return unavailable(e),
    };
    let today = crate::clock::today();
    let due_before =
        given(&q.due_before).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let wanted_status = given(&q.campaign_status).and_then(campaign_status);
    let deadline = given(&q.deadline);
    let cluster_rows: Vec<ClusterRow> = clusters(&state, actor)
        .into_iter()
        .filter(|c| {
            given(&q.district).is_none_or(|d| c.district == d)
                && deadline.is_none_or(|d| c.deadline == d)
                && wanted_status.is_none_or(|s| c.status == Some(s))
                && given(&q.cluster).is_none_or(|id| c.id == id)
        })
        .collect();
    let deadline_of: std::collections::HashMap<&str, &str> = clusters_by_id(&cluster_rows);
    let mut shown: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            due_before.is_none_or(|d| {
                e.due
                    .as_deref()
                    .and_then(|x| NaiveDate::parse_from_str(x, "%Y-%m-%d").ok())
                    .is_some_and(|x| x <= d)
            }) && (given(&q.overdue).is_none() || overdue(e, today))
                && deadline.is_none_or(|d| {
                    e.cluster_id
                        .as_deref()
                        .and_then(|c| deadline_of.get(c))
                        .is_some_and(|x| *x == d)
                })
        })
        .collect();
    shown.sort_by(|a, b| {
        overdue(b, today)
            .cmp(&overdue(a, today))
            .then_with(|| a.due.is_none().cmp(&b.due.is_none()))
            .then_with(|| a.due.cmp(&b.due))
            .then_with(|| a.problem_id.cmp(&b.problem_id))
    });
    let page = Page::of(shown.len(), given(&q.page));
    let body = html! {
        (filter_form(&q, actor))
        h2 { (w::MY_CLUSTERS) }
        (cluster_table(&cluster_rows))
        h2 { (w::MY_PROBLEMS) " " span.count { (w::COUNT) " " (shown.len()) " " (w::ITEMS_UNIT) } }
        (page.nav("/problems", uri.query()))
        @if shown.is_empty() {
            p.message { (w::NONE_FOUND) }
        } @else {
            div.scroll {
                table.problems {
                    thead { tr {
                        th { (w::PROBLEM) } th { (w::CODE) } th { (w::CLUSTER) } th { (w::FEATURE) }
                        th { (w::STATUS) } th { (w::DUE) } th { (w::UNIT) }
                    } }
                    tbody {
                        @for e in &shown[page.rows()] {
                            tr.overdue[overdue(e, today)] {
                                td { a href={ "/problems/" (e.problem_id) } { (e.problem_id) } }
                                td { (code_zh(&e.code)) }
                                td { (e.cluster_id.as_deref().unwrap_or("")) }
                                td { (e.feature_id) }
                                td { span class={ "status " (e.status.as_str()) } { (e.status.zh()) } }
                                td {
                                    (e.due.as_deref().unwrap_or(""))
                                    @if overdue(e, today) { " " span.badge { (w::OVERDUE) } }
                                }
                                td { (e.unit.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, frame(w::NAV_PROBLEMS, Some(&session), body))
}

fn clusters_by_id(rows: &[ClusterRow]) -> std::collections::HashMap<&str, &str> {
    rows.iter()
        .map(|r| (r.id.as_str(), r.deadline.as_str()))
        .collect()
}

/// A problem code in words, with the code.
fn code_zh(code: &str) -> String {
    match ProblemCode::from_name(code) {
        Some(c) => format!("{}（{code}）", c.label_zh()),
        None => code.to_string(),
    }
}

fn filter_form(q: &ListQuery, actor: &Actor) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        form.filters method="get" action="/problems" {
            label { (w::CLUSTER) input name="cluster" value=(value(&q.cluster)); }
            @if actor.role != Role::District {
                label { (w::DISTRICT) input name="district" value=(value(&q.district)); }
            }
            label { (w::CODE)
                select name="code" {
                    option value="" { (w::ANY) }
                    @for c in ProblemCode::ALL {
                        option value=(c.as_str()) selected[q.code.as_deref() == Some(c.as_str())] { (c.label_zh()) }
                    }
                }
            }
            label { (w::STATUS)
                select name="status" {
                    option value="" { (w::ANY) }
                    @for s in Status::ALL {
                        option value=(s.as_str()) selected[q.status.as_deref() == Some(s.as_str())] { (s.zh()) }
                    }
                }
            }
            label { (w::DUE_BEFORE) input name="due_before" type="date" value=(value(&q.due_before)); }
            label.check { input name="overdue" type="checkbox" value="1" checked[given(&q.overdue).is_some()]; (w::OVERDUE) }
            button type="submit" { (w::FILTER) }
        }
    }
}

fn cluster_table(rows: &[ClusterRow]) -> Markup {
    html! {
        div.scroll {
            table.clusters {
                thead { tr {
                    th { (w::CLUSTER) } th { (w::CLUSTER_NAME) } th { (w::DISTRICT) }
                    th { (w::DEADLINE) } th { (w::CAMPAIGN_STATUS) } th { (w::SCORE) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href={ "/clusters/" (r.id) } { (r.id) } " " a.small href={ "/problems?cluster=" (r.id) } { (w::PROBLEMS) } }
                            td { (r.name) }
                            td { (r.district) }
                            td { (deadline_zh(&r.deadline)) }
                            td { @if let Some(s) = r.status { span class={ "campaign " (s.as_str()) } { (s.label_zh()) } } }
                            td.num { (r.score.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// A problem with its history and evidence, as its page shows it.
struct Full {
    entry: Entry,
    history: Vec<entry::Change>,
    evidence: Vec<Evidence>,
}

async fn load(ledger: Arc<crate::ledger::Ledger>, id: String) -> anyhow::Result<Option<Full>> {
    blocking(move || {
        with(ledger.store(), |tx| {
            let Some(entry) = entry::get(tx, &id)? else {
                return Ok(None);
            };
            Ok(Some(Full {
                entry,
                history: entry::history(tx, &id)?,
                evidence: entry::evidence(tx, &id)?,
            }))
        })
    })
    .await
}

fn may_read(actor: &Actor, e: &Entry) -> bool {
    match (&actor.role, &actor.district) {
        (Role::District, Some(d)) => e.in_district(d),
        (Role::District, None) => false,
        _ => true,
    }
}

/// What the page says above the problem after a form.
enum Notice<'a> {
    None,
    Saved,
    Stale { by: &'a str },
    Refused(String),
}

/// `GET /problems/{id}`
pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> Response {
    let (session, ledger) = match signed_in(&state, &headers, &uri).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let notice = if q.saved.is_some() {
        Notice::Saved
    } else {
        Notice::None
    };
    show(&state, &session, ledger, id, StatusCode::OK, notice).await
}

/// The problem's page, or the page saying why not (404, 403).
async fn show(
    state: &AppState,
    session: &Session,
    ledger: Arc<crate::ledger::Ledger>,
    id: String,
    status: StatusCode,
    notice: Notice<'_>,
) -> Response {
    let full = match load(ledger, id).await {
        Ok(Some(f)) => f,
        Ok(None) => {
            return page::message(
                StatusCode::NOT_FOUND,
                w::NOT_FOUND_TITLE,
                w::NOT_FOUND,
                Some(session),
            );
        }
        Err(e) => return unavailable(e),
    };
    if !may_read(&session.actor, &full.entry) {
        return page::message(
            StatusCode::FORBIDDEN,
            w::FORBIDDEN_TITLE,
            w::FORBIDDEN,
            Some(session),
        );
    }
    let sketch =
        super::sketch::problem(&state.current(), &full.entry.layer, &full.entry.feature_id);
    let body = problem_body(session, &full, sketch, notice);
    respond(status, frame(&full.entry.problem_id, Some(session), body))
}

fn problem_body(session: &Session, full: &Full, sketch: Option<Markup>, notice: Notice) -> Markup {
    let e = &full.entry;
    let today = crate::clock::today();
    let writes = session.actor.role != Role::Viewer;
    html! {
        @match &notice {
            Notice::Saved => p.notice role="status" { (w::SAVED) },
            Notice::Stale { by } => p.error role="alert" { (w::STALE) (by) "。" (w::STALE_AGAIN) },
            Notice::Refused(m) => p.error role="alert" { (w::REFUSED) (m) },
            Notice::None => {},
        }
        div.problem {
            section.facts {
                dl {
                    dt { (w::CODE) } dd { (code_zh(&e.code)) }
                    dt { (w::FEATURE) } dd { (crate::contract::LayerKind::from_name(&e.layer).map_or(e.layer.as_str(), |l| l.label_zh())) " " (e.feature_id) }
                    dt { (w::CLUSTER) } dd { (e.cluster_ids.join("、")) }
                    dt { (w::DISTRICT) } dd { (e.districts.join("、")) }
                    dt { (w::DETAIL) } dd { (e.detail.as_deref().unwrap_or("")) }
                    dt { (w::STATUS) } dd {
                        span class={ "status " (e.status.as_str()) } { (e.status.zh()) }
                        @if overdue(e, today) { " " span.badge { (w::OVERDUE) } }
                    }
                    dt { (w::DETECTED) } dd { (crate::contract::words::yes_no(e.detected)) }
                    dt { (w::RECURRENCES) } dd { (e.recurrences) }
                    dt { (w::DUE) } dd { (e.due.as_deref().unwrap_or("")) }
                    dt { (w::UNIT) } dd { (e.unit.as_deref().unwrap_or("")) }
                    dt { (w::MEASURE) } dd { (e.measure.as_deref().unwrap_or("")) }
                    dt { (w::NOTE) } dd { (e.note.as_deref().unwrap_or("")) }
                    dt { (w::VERSION) } dd { (e.version) }
                }
                p { a href=(super::html::map_link("problems", &e.problem_id)) { (w::OPEN_ON_MAP) } }
            }
            @if let Some(s) = sketch { section.sketch { (s) } }
        }
        @if writes {
            h2 { (w::CHANGE) }
            form.change method="post" action={ "/problems/" (e.problem_id) } {
                (csrf(session))
                input type="hidden" name="version" value=(e.version);
                label { (w::STATUS)
                    select name="status" {
                        @for s in Status::ALL {
                            option value=(s.as_str()) selected[s == e.status] { (s.zh()) }
                        }
                    }
                }
                label { (w::UNIT) input name="unit" value=(e.unit.as_deref().unwrap_or("")); }
                label { (w::DUE) input name="due" type="date" value=(e.due.as_deref().unwrap_or("")); }
                label.wide { (w::MEASURE) textarea name="measure" rows="2" { (e.measure.as_deref().unwrap_or("")) } }
                label.wide { (w::NOTE) textarea name="note" rows="2" {} }
                button type="submit" { (w::SAVE) }
            }
        }
        h2 { (w::EVIDENCE) }
        @if full.evidence.is_empty() {
            p.message { (w::NO_EVIDENCE) }
        } @else {
            ul.evidence {
                @for f in &full.evidence {
                    li {
                        a href={ "/api/ledger/evidence/" (f.sha256) } {
                            @if f.media_type.starts_with("image/") {
                                img src={ "/api/ledger/evidence/" (f.sha256) } alt=(f.file_name) loading="lazy";
                            }
                            span { (f.file_name) }
                        }
                        small { (f.by) " · " (f.added_at) }
                    }
                }
            }
        }
        @if writes {
            form.upload method="post" enctype="multipart/form-data" action={ "/problems/" (e.problem_id) "/evidence" } {
                (csrf(session))
                label { (w::UPLOAD) input type="file" name="file" accept="image/*,application/pdf" multiple required; }
                small { (w::UPLOAD_HINT) }
                button type="submit" { (w::UPLOAD) }
            }
        }
        h2 { (w::HISTORY) }
        div.scroll {
            table.history {
                thead { tr { th { (w::WHEN) } th { (w::WHO) } th { (w::WHAT) } th { (w::STATUS) } th { (w::NOTE) } } }
                tbody {
                    @for h in full.history.iter().rev() {
                        tr {
                            td { (h.at) }
                            td { (h.by) }
                            td { (w::change_zh(&h.change)) }
                            td { (status_move(h)) }
                            td { (history_text(h)) }
                        }
                    }
                }
            }
        }
    }
}

fn status_zh(s: &Option<String>) -> &str {
    s.as_deref()
        .and_then(|s| Status::parse_exact(s).ok())
        .map_or("", Status::zh)
}

fn status_move(h: &entry::Change) -> String {
    match (status_zh(&h.from_status), status_zh(&h.to_status)) {
        ("", to) => to.to_string(),
        (from, to) if from == to => to.to_string(),
        (from, to) => format!("{from} → {to}"),
    }
}

/// What a history row set, in words (an evidence row: its file's name).
fn history_text(h: &entry::Change) -> String {
    if h.change == "evidence" {
        return h.note.clone().unwrap_or_default();
    }
    [
        (w::NOTE, &h.note),
        (w::MEASURE, &h.measure),
        (w::UNIT, &h.unit),
        (w::DUE, &h.due),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}：{v}"))
    })
    .collect::<Vec<_>>()
    .join("；")
}

/// What the change form sends (a form missing a field, with one it does not have, or with
/// a status that is not one, is 422).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeForm {
    pub csrf: String,
    /// The version the form was made from (0 up; one beyond the ledger's is stale).
    pub version: u64,
    pub status: Option<Status>,
    pub unit: Option<String>,
    pub due: Option<String>,
    pub measure: Option<String>,
    pub note: Option<String>,
}

/// The fields a form changes: those whose value differs from the entry's (a blank field
/// clears one that had a value).
fn changed(form: &ChangeForm, e: &Entry) -> Change {
    let differs = |new: &Option<String>, old: &Option<String>| -> Option<String> {
        let new = new.as_deref().map(str::trim).unwrap_or("");
        (new != old.as_deref().unwrap_or("")).then(|| new.to_string())
    };
    let status = form.status.filter(|s| *s != e.status);
    Change {
        status,
        unit: differs(&form.unit, &e.unit),
        due: differs(&form.due, &e.due),
        measure: differs(&form.measure, &e.measure),
        note: given(&form.note).map(String::from),
        expected_version: Some(e.version),
        ..Change::default()
    }
}

/// `POST /problems/{id}`: the change form.
pub async fn change(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let (session, ledger) = match signed_form(&state, &headers, &uri, &form.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let actor = session.actor.clone();
    let (l, pid) = (ledger.clone(), id.clone());
    let applied = blocking(move || {
        let Some(current) = with(l.store(), |tx| entry::get(tx, &pid))? else {
            return Err(LedgerError::NotFound(pid).into());
        };
        if !may_read(&actor, &current) {
            return Err(LedgerError::Forbidden(pid).into());
        }
        let change = if i64::try_from(form.version) == Ok(current.version) {
            changed(&form, &current)
        } else {
            // Stale already: apply refuses it as a conflict without a change to compare.
            Change {
                expected_version: Some(i64::try_from(form.version).unwrap_or(i64::MAX)),
                ..Change::default()
            }
        };
        change::apply(l.store(), &pid, &change, &actor, &now())
    })
    .await;
    after_change(&state, &session, ledger, id, applied).await
}

/// The answer to a change or an upload: back to the page, or the page with why not.
async fn after_change(
    state: &AppState,
    session: &Session,
    ledger: Arc<crate::ledger::Ledger>,
    id: String,
    applied: anyhow::Result<Entry>,
) -> Response {
    match applied {
        Ok(_) => page::see_other(&format!("/problems/{id}?saved=1")),
        Err(e) => match e.downcast::<LedgerError>() {
            Ok(LedgerError::Conflict { current, .. }) => {
                let (l, pid) = (ledger.clone(), current.problem_id.clone());
                let by = blocking(move || with(l.store(), |tx| entry::history(tx, &pid)))
                    .await
                    .ok()
                    .and_then(|h| h.last().map(|c| c.by.clone()))
                    .unwrap_or_default();
                show(
                    state,
                    session,
                    ledger,
                    id,
                    StatusCode::CONFLICT,
                    Notice::Stale { by: &by },
                )
                .await
            }
            Ok(LedgerError::NotFound(_)) => page::message(
                StatusCode::NOT_FOUND,
                w::NOT_FOUND_TITLE,
                w::NOT_FOUND,
                Some(session),
            ),
            Ok(LedgerError::Forbidden(_)) => page::message(
                StatusCode::FORBIDDEN,
                w::FORBIDDEN_TITLE,
                w::FORBIDDEN,
                Some(session),
            ),
            Ok(LedgerError::Unauthorized(_)) => page::message(
                StatusCode::FORBIDDEN,
                w::FORBIDDEN_TITLE,
                w::READ_ONLY,
                Some(session),
            ),
            Ok(other) => {
                show(
                    state,
                    session,
                    ledger,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    // A rule of the campaign or a value not taken, in the page's words.
                    Notice::Refused(other.zh()),
                )
                .await
            }
            Err(e) => unavailable(e),
        },
    }
}

/// `POST /problems/{id}/evidence`: photos or files from the upload form (a phone's camera
/// or its files), each at most `EVIDENCE_MAX_BYTES`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let (form, session, ledger) =
        match parts::signed(&state, &headers, &uri, multipart, &parts::EVIDENCE).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let refused = form
        .refused
        .or_else(|| form.files.is_empty().then(|| w::UPLOAD.to_string()));
    if let Some(m) = refused {
        return show(
            &state,
            &session,
            ledger,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Notice::Refused(m),
        )
        .await;
    }
    let files = form.files.into_iter().map(|(_, f)| f).collect();
    let actor = session.actor.clone();
    let (l, pid) = (ledger.clone(), id.clone());
    let applied = blocking(move || {
        let change = Change {
            evidence: files,
            ..Change::default()
        };
        change::apply(l.store(), &pid, &change, &actor, &now())
    })
    .await;
    after_change(&state, &session, ledger, id, applied).await
}
