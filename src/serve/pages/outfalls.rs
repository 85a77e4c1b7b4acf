//! An outfall's page, where its signboard's QR code leads: what the analysis says of it
//! (kind, status, cluster, problems, the latest inspections it read), a link to the map,
//! and for a signed-in inspector of its district the 记录排查 form: date (today by
//! default), weather, flowing, COD, NH₃-N, a photo, a note. The form works at a phone's
//! width; `pages.js` keeps a form that cannot be sent (no signal at the riverbank) in the
//! browser and sends it when the connection returns, and the id the form carries makes a
//! form sent twice count once.

use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{self as page, csrf, frame, respond};
use super::session::{self, Session};
use super::{blocking, parts, unavailable};
use crate::contract::pages as w;
use crate::contract::words::{Vocabulary, zh};
use crate::ledger::inspections::{self, Recorded};
use crate::ledger::users::{Actor, Role};
use crate::ledger::{LedgerError, now};
use crate::serve::state::AppState;

/// The district of an outfall: its cluster's.
fn district_of(state: &AppState, outfall: &str) -> Option<String> {
    let s = state.current();
    let o = s.collection("outfalls")?;
    let cluster = o.text(o.index_of(outfall)?, "cluster_id")?.to_string();
    let c = s.collection("clusters")?;
    c.text(c.index_of(&cluster)?, "district").map(String::from)
}

/// Whether `actor` may record an inspection of `outfall`.
fn may_inspect(state: &AppState, actor: &Actor, outfall: &str) -> bool {
    match actor.role {
        Role::City => true,
        Role::Viewer => false,
        Role::District => actor.district.is_some() && actor.district == district_of(state, outfall),
    }
}

#[derive(Debug, Deserialize)]
pub struct RecordedQuery {
    pub recorded: Option<String>,
}

/// `GET /outfalls/{id}`
pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<RecordedQuery>,
) -> Response {
    let signed = match session::current(&state, &headers).await {
        Ok(s) => s,
        Err(e) => return unavailable(e),
    };
    let notice = q
        .recorded
        .is_some()
        .then(|| html! { p.notice role="status" { (w::RECORDED) } });
    show(&state, signed.as_ref(), &id, StatusCode::OK, notice).await
}

async fn show(
    state: &AppState,
    signed: Option<&Session>,
    id: &str,
    status: StatusCode,
    notice: Option<Markup>,
) -> Response {
    let Some(facts) = facts(state, id) else {
        return page::message(
            StatusCode::NOT_FOUND,
            w::NOT_FOUND_TITLE,
            w::NO_OUTFALL,
            signed,
        );
    };
    let kept = match (&state.ledger, signed) {
        (Some(l), Some(_)) => {
            let (l, oid) = (l.clone(), id.to_string());
            match blocking(move || inspections::of_outfall(l.store(), &oid)).await {
                Ok(k) => k,
                Err(e) => return unavailable(e),
            }
        }
        _ => Vec::new(),
    };
    let today = crate::clock::today().to_string();
    let next: String =
        form_urlencoded::byte_serialize(format!("/outfalls/{id}").as_bytes()).collect();
    let body = html! {
        @if let Some(n) = notice { (n) }
        p.outbox hidden data-sent=(w::OUTBOX_SENT) { (w::OUTBOX) span.waiting { "0" } }
        (facts)
        p { a href=(super::html::map_link("outfalls", id)) { (w::OPEN_ON_MAP) } }
        @match signed {
            None => p { a href={ "/signin?next=" (next) } { (w::SIGN_IN_TO_INSPECT) } },
            Some(s) if state.ledger.is_some() && may_inspect(state, &s.actor, id) => {
                h2 { (w::INSPECT) }
                form.change.inspect method="post" enctype="multipart/form-data" action={ "/outfalls/" (id) "/inspections" } data-outbox="inspections" {
                    (csrf(s))
                    input type="hidden" name="inspection_id" value=(crate::ledger::users::random_hex(16).unwrap_or_default());
                    label { (w::INSPECTED_ON) input type="date" name="date" value=(today) max=(today) required; }
                    label { (w::WEATHER)
                        select name="weather" required {
                            @for x in w::WEATHERS { option value=(x) { (x) } }
                        }
                    }
                    label { (w::FLOWING)
                        select name="flowing" {
                            option value="" { (w::NOT_SEEN) }
                            option value="yes" { (w::FLOWING_YES) }
                            option value="no" { (w::FLOWING_NO) }
                        }
                    }
                    label { (w::COD) input type="number" name="cod" min="0" step="any" inputmode="decimal"; }
                    label { (w::NH3N) input type="number" name="nh3n" min="0" step="any" inputmode="decimal"; }
                    label { (w::PHOTO) input type="file" name="photo" accept="image/*"; }
                    label.wide { (w::NOTE) textarea name="note" rows="2" {} }
                    button type="submit" { (w::INSPECT) }
                }
            }
            Some(_) if state.ledger.is_some() => p.message { (w::NOT_YOUR_OUTFALL) },
            Some(_) => p.message { (w::NO_LEDGER) },
        }
        @if signed.is_some() && state.ledger.is_some() {
            h2 { (w::INSPECTIONS) }
            @if kept.is_empty() {
                p.message { (w::NO_INSPECTIONS) }
            } @else {
                div.scroll {
                    table.inspections {
                        thead { tr {
                            th { (w::INSPECTED_ON) } th { (w::WEATHER) } th { (w::FLOWING) } th { "COD" } th { "NH₃-N" }
                            th { (w::PHOTO) } th { (w::INSPECTOR) } th { (w::NOTE) }
                        } }
                        tbody {
                            @for r in &kept {
                                tr {
                                    td { (r.inspected_on) }
                                    td { (r.weather) }
                                    td { (match r.flowing { Some(true) => w::FLOWING_YES, Some(false) => w::FLOWING_NO, None => w::NOT_SEEN }) }
                                    td.num { (r.cod_mgl.map(|v| v.to_string()).unwrap_or_default()) }
                                    td.num { (r.nh3n_mgl.map(|v| v.to_string()).unwrap_or_default()) }
                                    td { @if let Some(p) = &r.photo { a href={ "/api/ledger/evidence/" (p) } { img.thumb src={ "/api/ledger/evidence/" (p) } alt=(w::PHOTO) loading="lazy"; } } }
                                    td { (r.inspector) }
                                    td { (r.note.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(status, frame(&format!("{} {id}", w::OUTFALL), signed, body))
}

/// What the served analysis says of an outfall.
fn facts(state: &AppState, id: &str) -> Option<Markup> {
    let s = state.current();
    let o = s.collection("outfalls")?;
    let i = o.index_of(id)?;
    let text = |k: &str| o.text(i, k).unwrap_or_default().to_string();
    let codes: Vec<String> = o
        .property(i, "problem_codes")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.as_str())
        .map(|c| {
            crate::contract::ProblemCode::from_name(c)
                .map_or(c.to_string(), |p| p.label_zh().to_string())
        })
        .collect();
    Some(html! {
        dl {
            dt { (w::OUTFALL) } dd { (id) " " (text("name")) }
            dt { (w::OUTFALL_KIND) } dd { (zh(Vocabulary::OutfallKind, &text("kind"))) }
            dt { (w::OUTFALL_STATUS) } dd { (zh(Vocabulary::OutfallStatus, &text("status"))) }
            dt { (w::CLUSTER) } dd { (text("cluster_id")) }
            dt { (w::DISTRICT) } dd { (district_of(state, id).unwrap_or_default()) }
            dt { (w::RECEIVING_WATER) } dd { (text("receiving_water")) }
            dt { (w::PROBLEMS) } dd { (codes.join("、")) }
            dt { (w::LAST_DRY) } dd { (text("last_dry_inspection")) }
            dt { (w::LAST_SAMPLE) } dd { (text("last_sample")) }
        }
    })
}

/// `POST /outfalls/{id}/inspections`: the 记录排查 form (multipart, for its photo).
pub async fn record(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let (mut form, session, ledger) =
        match parts::signed(&state, &headers, &uri, multipart, &parts::INSPECTION).await {
            Ok(x) => x,
            Err(r) => return r,
        };
    let photo = form.files.pop().map(|(_, f)| f);
    let refused = form.refused.clone();
    let get = |k: &str| form.get(k);
    if facts(&state, &id).is_none() {
        return page::message(
            StatusCode::NOT_FOUND,
            w::NOT_FOUND_TITLE,
            w::NO_OUTFALL,
            Some(&session),
        );
    }
    if !may_inspect(&state, &session.actor, &id) {
        return page::message(
            StatusCode::FORBIDDEN,
            w::FORBIDDEN_TITLE,
            w::NOT_YOUR_OUTFALL,
            Some(&session),
        );
    }
    let number = |k: &str| -> Result<Option<f64>, String> {
        get(k)
            .map(|v| v.parse::<f64>().map_err(|_| format!("{k} = `{v}`")))
            .transpose()
    };
    let parsed = (|| -> Result<Recorded, String> {
        Ok(Recorded {
            inspection_id: get("inspection_id").ok_or("inspection_id")?,
            outfall_id: id.clone(),
            inspected_on: get("date").ok_or(w::INSPECTED_ON)?,
            weather: get("weather").ok_or(w::WEATHER)?,
            flowing: match get("flowing").as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
            cod_mgl: number("cod")?,
            nh3n_mgl: number("nh3n")?,
            note: get("note"),
            photo: None,
            inspector: String::new(),
            recorded_at: String::new(),
        })
    })();
    let r = match (parsed, refused) {
        (Ok(r), None) => r,
        (Err(m), _) | (_, Some(m)) => {
            let notice = html! { p.error role="alert" { (w::REFUSED) (m) } };
            return show(
                &state,
                Some(&session),
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(notice),
            )
            .await;
        }
    };
    let actor = session.actor.clone();
    let done = blocking(move || {
        inspections::record(
            ledger.store(),
            &actor,
            r,
            photo.as_ref(),
            crate::clock::today(),
            &now(),
        )
    })
    .await;
    match done {
        Ok(_) => page::see_other(&format!("/outfalls/{id}?recorded=1")),
        Err(e) => match e.downcast_ref::<LedgerError>() {
            Some(LedgerError::Invalid(m)) => {
                let notice = html! { p.error role="alert" { (w::REFUSED) (m.zh()) } };
                show(
                    &state,
                    Some(&session),
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(notice),
                )
                .await
            }
            _ => unavailable(e),
        },
    }
}
