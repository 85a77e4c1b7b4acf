//! A cluster's page: where it stands (deadline, campaign status, score, problems), its
//! acceptances (验收) with the form that records one and its 验收意见, and the district's
//! 典型做法 and 建设亮点 for the 建设总结报告 (kept in the ledger, read by `zdz report
//! --summary`), written at the version seen.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{self as page, csrf, frame, respond};
use super::session::Session;
use super::{blocking, parts, signed_form, signed_in, unavailable};
use crate::contract::pages as w;
use crate::contract::words::{Vocabulary, zh};
use crate::ledger::acceptance::{self, Acceptance};
use crate::ledger::narratives::{self, Narrative};
use crate::ledger::users::{Actor, Role};
use crate::ledger::{Ledger, LedgerError, now};
use crate::serve::state::AppState;

/// The served cluster: its facts, and its district.
fn facts(state: &AppState, id: &str) -> Option<(Markup, String)> {
    let s = state.current();
    let c = s.collection("clusters")?;
    let i = c.index_of(id)?;
    let text = |k: &str| c.text(i, k).unwrap_or_default().to_string();
    let status = text("campaign_status");
    let status = crate::contract::CampaignStatus::ALL
        .into_iter()
        .find(|c| c.as_str() == status)
        .map_or(String::new(), |c| c.label_zh().to_string());
    let score = c
        .property(i, "score")
        .filter(|v| !v.is_null())
        .map(|v| v.to_string())
        .unwrap_or_default();
    let district = text("district");
    Some((
        html! {
            dl {
                dt { (w::CLUSTER) } dd { (id) " " (text("name")) }
                dt { (w::DISTRICT) } dd { (district) }
                dt { (w::DEADLINE) } dd { (zh(Vocabulary::Deadline, &text("deadline"))) }
                dt { (w::CAMPAIGN_STATUS) } dd { (status) }
                dt { (w::ZDZ_SCORE) } dd { (score) }
            }
            p {
                a href={ "/problems?cluster=" (id) } { (w::PROBLEMS_OF_CLUSTER) }
                " · "
                a href=(super::html::map_link("clusters", id)) { (w::OPEN_ON_MAP) }
            }
        },
        district,
    ))
}

/// Whether `actor` may see and write the cluster of `district`.
fn may_see(actor: &Actor, district: &str) -> bool {
    match actor.role {
        Role::District => actor.district.as_deref() == Some(district),
        _ => true,
    }
}

/// `GET /clusters/{id}`
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
    let notice = q
        .saved
        .is_some()
        .then(|| html! { p.notice role="status" { (w::SAVED) } });
    show(&state, &session, ledger, &id, StatusCode::OK, notice, None).await
}

/// The page, with a notice above it and, after a stale narrative, the text the user sent.
async fn show(
    state: &AppState,
    session: &Session,
    ledger: Arc<Ledger>,
    id: &str,
    status: StatusCode,
    notice: Option<Markup>,
    unsaved: Option<(String, String)>,
) -> Response {
    let Some((facts, district)) = facts(state, id) else {
        return page::message(
            StatusCode::NOT_FOUND,
            w::NOT_FOUND_TITLE,
            w::NO_CLUSTER,
            Some(session),
        );
    };
    if !may_see(&session.actor, &district) {
        return page::message(
            StatusCode::FORBIDDEN,
            w::FORBIDDEN_TITLE,
            w::NOT_YOUR_CLUSTER,
            Some(session),
        );
    }
    let cid = id.to_string();
    let kept = blocking(move || {
        Ok((
            acceptance::history(ledger.store(), &cid)?,
            narratives::get(ledger.store(), &cid)?,
        ))
    })
    .await;
    let (accepted, narrative) = match kept {
        Ok(k) => k,
        Err(e) => return unavailable(e),
    };
    let writes = session.actor.role != Role::Viewer;
    let body = html! {
        @if let Some(n) = notice { (n) }
        (facts)
        h2 { (w::ACCEPTANCES) }
        (acceptance_table(&accepted))
        @if writes { (acceptance_form(session, id)) }
        h2 { (w::NARRATIVE) }
        (narrative_form(session, id, narrative.as_ref(), unsaved, writes))
    };
    respond(
        status,
        frame(&format!("{} {id}", w::CLUSTER_PAGE), Some(session), body),
    )
}

fn acceptance_table(all: &[Acceptance]) -> Markup {
    html! {
        @if all.is_empty() {
            p.message { (w::NO_ACCEPTANCES) }
        } @else {
            div.scroll {
                table.acceptances {
                    thead { tr {
                        th { (w::ACCEPTED_ON) } th { (w::OFFICIAL_SCORE) } th { (w::ZDZ_SCORE) } th { (w::SCORED_BY) }
                        th { (w::REMAINING) } th { (w::OPINION) } th { (w::NOTE) } th { (w::RECORDED_BY) }
                    } }
                    tbody {
                        @for a in all.iter().rev() {
                            tr {
                                td { (a.accepted_on) }
                                td.num { (a.score) }
                                td.num { (a.zdz_score.map(|s| s.to_string()).unwrap_or_default()) }
                                td { (a.by) }
                                td.num { (a.remaining.len()) }
                                td { @if let Some(e) = &a.evidence { a href={ "/api/ledger/evidence/" (e) } { (w::OPINION) } } }
                                td { (a.note.as_deref().unwrap_or("")) (a.override_reason.as_deref().map(|r| format!("（{}：{r}）", w::OVERRIDE)).unwrap_or_default()) }
                                td { (a.recorded_by) " · " (a.recorded_at) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn acceptance_form(session: &Session, id: &str) -> Markup {
    html! {
        h3 { (w::RECORD_ACCEPTANCE) }
        form.change method="post" enctype="multipart/form-data" action={ "/clusters/" (id) "/acceptance" } {
            (csrf(session))
            label { (w::ACCEPTED_ON) input type="date" name="date" required; }
            label { (w::OFFICIAL_SCORE) input type="number" name="score" min="0" max="100" step="any" inputmode="decimal" required; }
            label { (w::SCORED_BY) input name="by" required; }
            label { (w::ITEMS) input name="items"; }
            label { (w::OPINION) input type="file" name="opinion" accept="application/pdf,image/*"; }
            label.wide { (w::NOTE) textarea name="note" rows="2" {} }
            @if session.actor.role == Role::City {
                label.wide { (w::OVERRIDE) input name="override_reason"; }
            }
            button type="submit" { (w::RECORD_ACCEPTANCE) }
        }
    }
}

fn narrative_form(
    session: &Session,
    id: &str,
    n: Option<&Narrative>,
    unsaved: Option<(String, String)>,
    writes: bool,
) -> Markup {
    let (practices, highlights) = unsaved.clone().unwrap_or_else(|| {
        n.map_or((String::new(), String::new()), |n| {
            (n.practices.clone(), n.highlights.clone())
        })
    });
    html! {
        @if let Some(n) = n { p { (w::LAST_WRITTEN) (n.by) " · " (n.updated_at) } }
        @if writes {
            form.change method="post" action={ "/clusters/" (id) "/narrative" } {
                (csrf(session))
                input type="hidden" name="version" value=(n.map_or(0, |n| n.version));
                label.wide { (w::PRACTICES) textarea name="practices" rows="6" { (practices) } }
                label.wide { (w::HIGHLIGHTS) textarea name="highlights" rows="6" { (highlights) } }
                small { (w::NARRATIVE_HINT) }
                button type="submit" { (w::SAVE) }
            }
        } @else if let Some(n) = n {
            h3 { (w::PRACTICES) } @for p in Narrative::paragraphs(&n.practices) { p { (p) } }
            h3 { (w::HIGHLIGHTS) } @for p in Narrative::paragraphs(&n.highlights) { p { (p) } }
        }
    }
}

/// `S1=15 S2=10` (or with commas, 、 or new lines between) as items and points.
fn items(text: &str) -> Result<BTreeMap<String, f64>, String> {
    text.split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (k, v) = s
                .split_once(['=', '＝'])
                .ok_or_else(|| format!("`{s}`：{}", w::ITEMS))?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("`{s}`：{}", w::ITEMS))?;
            Ok((k.trim().to_string(), v))
        })
        .collect()
}

/// What a refusal of the ledger says on the page, and with which status.
fn refusal(e: &anyhow::Error) -> Option<(StatusCode, String)> {
    match e.downcast_ref::<LedgerError>()? {
        LedgerError::Blocked(r) => Some((StatusCode::CONFLICT, r.zh())),
        LedgerError::Invalid(m) => Some((StatusCode::UNPROCESSABLE_ENTITY, m.zh())),
        LedgerError::Forbidden(_) | LedgerError::Unauthorized(_) => {
            Some((StatusCode::FORBIDDEN, w::NOT_YOUR_CLUSTER.to_string()))
        }
        LedgerError::NotFound(_) => Some((StatusCode::NOT_FOUND, w::NO_CLUSTER.to_string())),
        _ => None,
    }
}

/// `POST /clusters/{id}/acceptance`: the official acceptance, with its 验收意见.
pub async fn accept(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let (mut form, session, ledger) =
        match parts::signed(&state, &headers, &uri, multipart, &parts::ACCEPTANCE).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let opinion = form.files.pop().map(|(_, f)| f);
    let parsed = items(&form.get("items").unwrap_or_default()).and_then(|items| {
        let score = form.get("score").unwrap_or_default();
        Ok(acceptance::Request {
            cluster_id: id.clone(),
            accepted_on: form.get("date").unwrap_or_default(),
            score: score
                .parse()
                .map_err(|_| format!("{}：{score}", w::OFFICIAL_SCORE))?,
            items,
            by: form.get("by").unwrap_or_default(),
            evidence: opinion,
            note: form.get("note"),
            override_reason: form.get("override_reason"),
        })
    });
    let request = match (parsed, form.refused) {
        (Ok(r), None) => r,
        (Err(m), _) | (_, Some(m)) => {
            let notice = html! { p.error role="alert" { (w::REFUSED) (m) } };
            return show(
                &state,
                &session,
                ledger,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(notice),
                None,
            )
            .await;
        }
    };
    let (l, actor) = (ledger.clone(), session.actor.clone());
    match blocking(move || acceptance::record(l.store(), &actor, &request, &now())).await {
        Ok(_) => page::see_other(&format!("/clusters/{id}?saved=1")),
        Err(e) => match refusal(&e) {
            Some((status, m)) => {
                let notice = html! { p.error role="alert" { (w::REFUSED) (m) } };
                show(&state, &session, ledger, &id, status, Some(notice), None).await
            }
            None => unavailable(e),
        },
    }
}

/// What the narrative form sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeForm {
    pub csrf: String,
    /// The version the form was made from (0: none written yet).
    pub version: u64,
    pub practices: String,
    pub highlights: String,
}

/// `POST /clusters/{id}/narrative`
pub async fn narrative(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Form(f): Form<NarrativeForm>,
) -> Response {
    let (session, ledger) = match signed_form(&state, &headers, &uri, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (l, actor, cid) = (ledger.clone(), session.actor.clone(), id.clone());
    let (practices, highlights) = (f.practices.clone(), f.highlights.clone());
    let seen = i64::try_from(f.version).unwrap_or(i64::MAX);
    let done = blocking(move || {
        narratives::set(
            l.store(),
            &actor,
            &cid,
            &practices,
            &highlights,
            seen,
            &now(),
        )
    })
    .await;
    match done {
        Ok(_) => page::see_other(&format!("/clusters/{id}?saved=1")),
        Err(e) => match refusal(&e) {
            Some((StatusCode::CONFLICT, m)) => {
                let notice = html! { p.error role="alert" { (w::NARRATIVE_STALE) (m) } };
                show(
                    &state,
                    &session,
                    ledger,
                    &id,
                    StatusCode::CONFLICT,
                    Some(notice),
                    Some((f.practices, f.highlights)),
                )
                .await
            }
            Some((status, m)) => {
                let notice = html! { p.error role="alert" { (w::REFUSED) (m) } };
                show(&state, &session, ledger, &id, status, Some(notice), None).await
            }
            None => unavailable(e),
        },
    }
}
