//! The ledger over HTTP (`zdz serve --ledger`): entries, one entry with its history and
//! evidence, changes with optimistic concurrency, evidence upload and download by content
//! hash, and progress. Every endpoint needs `Authorization: Bearer <token>`; a district
//! user sees and changes only its district's problems. Ledger calls run on blocking
//! threads; when the database does not answer they are 503 and the rest of the service
//! goes on from its snapshot.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::params::{LedgerListQuery, Params};
use super::state::AppState;
use crate::ledger::acceptance;
use crate::ledger::change::{self, Change, EVIDENCE_MAX_BYTES, EvidenceFile};
use crate::ledger::entry::{self, Filter};
use crate::ledger::status::Status;
use crate::ledger::store::with;
use crate::ledger::users::{Actor, Role};
use crate::ledger::{Ledger, now};

/// The ledger, or 404 when the service runs without one.
fn ledger(state: &AppState) -> ApiResult<Arc<Ledger>> {
    state.ledger.clone().ok_or_else(|| {
        ApiError::not_found("this service runs without a ledger (zdz serve --ledger)")
    })
}

/// Run a ledger call off the async reactor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::from_ledger)
}

/// The user the request's bearer token belongs to.
async fn who(state: &Arc<AppState>, headers: &HeaderMap) -> ApiResult<Actor> {
    let ledger = ledger(state)?;
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
    else {
        return Err(ApiError::unauthorized(
            "the ledger needs `Authorization: Bearer <token>` (zdz ledger user add)",
        ));
    };
    if let Some(actor) = state.cached_actor(&token) {
        return Ok(actor);
    }
    let t = token.clone();
    let actor = blocking(move || crate::ledger::users::authenticate(ledger.store(), &t)).await?;
    state.cache_actor(&token, &actor);
    Ok(actor)
}

/// The user of a request that only reads: its bearer token, else its browser session
/// (the pages' evidence thumbnails and downloads). Writes take a token only: a page writes
/// through its own forms, which carry a CSRF token.
async fn reader(state: &Arc<AppState>, headers: &HeaderMap) -> ApiResult<Actor> {
    if headers.contains_key(header::AUTHORIZATION) {
        return who(state, headers).await;
    }
    match super::pages::session::current(state, headers).await {
        Ok(Some(s)) => Ok(s.actor),
        Ok(None) => who(state, headers).await,
        Err(e) => Err(ApiError::from_ledger(e)),
    }
}

fn may_read(actor: &Actor, e: &entry::Entry) -> ApiResult<()> {
    match (&actor.role, &actor.district) {
        (Role::District, Some(d)) if !e.in_district(d) => Err(ApiError::forbidden(format!(
            "{} may read only problems of its district ({d})",
            actor.name
        ))),
        (Role::District, None) => Err(ApiError::forbidden("a district user without a district")),
        _ => Ok(()),
    }
}

/// `GET /api/ledger/problems?cluster=&district=&status=&code=`
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Params(q): Params<LedgerListQuery>,
) -> ApiResult<Json<Value>> {
    let actor = reader(&state, &headers).await?;
    let mut filter = Filter {
        cluster: q.cluster,
        district: q.district,
        status: q.status,
        code: q.code.map(|c| c.as_str().to_string()),
    };
    // A district user lists its own district only.
    if actor.role == Role::District {
        filter.district = actor.district.clone();
    }
    let ledger = ledger(&state)?;
    let entries = blocking(move || ledger.list(&filter)).await?;
    Ok(Json(Value::Array(
        entries.iter().map(|e| e.json()).collect(),
    )))
}

/// `GET /api/ledger/problems/{id}`: the entry with its history and evidence.
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let actor = reader(&state, &headers).await?;
    let ledger = ledger(&state)?;
    let found = blocking(move || {
        with(ledger.store(), |tx| {
            let Some(e) = entry::get(tx, &id)? else {
                return Ok(None);
            };
            Ok(Some((
                e,
                entry::history(tx, &id)?,
                entry::evidence(tx, &id)?,
            )))
        })
    })
    .await?;
    let Some((e, history, evidence)) = found else {
        return Err(ApiError::not_found("no such problem in the ledger"));
    };
    may_read(&actor, &e)?;
    let mut v = e.json();
    v["history"] = json!(history);
    v["evidence"] = json!(evidence);
    Ok(Json(v))
}

/// What `POST /api/ledger/problems/{id}` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    pub version: i64,
    pub status: Option<String>,
    pub note: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    /// Absent: unchanged; `null`: cleared; a date `YYYY-MM-DD`: set.
    #[serde(default, deserialize_with = "present")]
    pub due: Option<Option<String>>,
    pub force_reason: Option<String>,
}

/// What `POST /api/ledger/clusters/{id}/acceptance` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceBody {
    /// The date of the acceptance, YYYY-MM-DD.
    pub date: String,
    /// The official score, 0–100.
    pub score: f64,
    /// Who scored.
    pub by: String,
    /// Official points per rubric item, where given.
    #[serde(default)]
    pub items: std::collections::BTreeMap<String, f64>,
    pub note: Option<String>,
    /// Record it although a veto problem is detected, and why (city role).
    pub override_reason: Option<String>,
}

/// `POST /api/ledger/clusters/{id}/acceptance`: record a cluster's official acceptance.
pub async fn accept(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let actor = who(&state, &headers).await?;
    let body: AcceptanceBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_parameter(format!("the body is not an acceptance: {e}")))?;
    let request = acceptance::Request {
        cluster_id: id,
        accepted_on: body.date,
        score: body.score,
        items: body.items,
        by: body.by,
        evidence: None,
        note: body.note,
        override_reason: body.override_reason,
    };
    let ledger = ledger(&state)?;
    let a = blocking(move || acceptance::record(ledger.store(), &actor, &request, &now())).await?;
    Ok(Json(a.json()))
}

/// `GET /api/ledger/clusters/{id}/acceptances`: every acceptance of a cluster, oldest first.
pub async fn acceptances(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    reader(&state, &headers).await?;
    let ledger = ledger(&state)?;
    let all = blocking(move || acceptance::history(ledger.store(), &id)).await?;
    Ok(Json(Value::Array(all.iter().map(|a| a.json()).collect())))
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// `POST /api/ledger/problems/{id}`: change an entry at the version the client saw.
pub async fn set(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let actor = who(&state, &headers).await?;
    let body: ChangeBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_parameter(format!("the body is not a change: {e}")))?;
    // The API takes a due date as the document says, YYYY-MM-DD, or null to clear it.
    let due = match body.due {
        None => None,
        Some(None) => Some(String::new()),
        Some(Some(d)) => {
            // The ledger keeps dates of the years 1900–2200, as it reads them everywhere.
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .ok()
                .filter(|day| (1900..=2200).contains(&chrono::Datelike::year(day)))
                .ok_or_else(|| {
                    ApiError::bad_parameter(format!(
                        "due = `{d}` is not a date YYYY-MM-DD of the years 1900–2200"
                    ))
                })?;
            Some(d)
        }
    };
    let change = Change {
        status: body
            .status
            .as_deref()
            .map(Status::parse_exact)
            .transpose()
            .map_err(ApiError::bad_parameter)?,
        note: body.note,
        unit: body.unit,
        measure: body.measure,
        due,
        evidence: Vec::new(),
        force_reason: body.force_reason,
        expected_version: Some(body.version),
    };
    let ledger = ledger(&state)?;
    let e = blocking(move || change::apply(ledger.store(), &id, &change, &actor, &now())).await?;
    Ok(Json(e.json()))
}

/// `POST /api/ledger/problems/{id}/evidence`: multipart, one or more `file` parts (≤ 20 MiB
/// each).
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<Json<Value>> {
    let actor = who(&state, &headers).await?;
    let files = evidence_files(&mut multipart).await?;
    let change = Change {
        evidence: files,
        ..Change::default()
    };
    let ledger = ledger(&state)?;
    let e = blocking(move || change::apply(ledger.store(), &id, &change, &actor, &now())).await?;
    Ok(Json(e.json()))
}

/// `POST /api/ledger/clusters/{id}/acceptance/evidence`: the acceptance opinion (验收意见)
/// of the cluster's latest acceptance, one `file` part.
pub async fn acceptance_evidence(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<Json<Value>> {
    let actor = who(&state, &headers).await?;
    let mut files = evidence_files(&mut multipart).await?;
    if files.len() > 1 {
        return Err(ApiError::bad_parameter(
            "an acceptance keeps one opinion document: send one `file` part",
        ));
    }
    let file = files.remove(0);
    let ledger = ledger(&state)?;
    let a =
        blocking(move || acceptance::attach_evidence(ledger.store(), &actor, &id, &file)).await?;
    Ok(Json(a.json()))
}

/// The `file` parts of an upload, each at most `EVIDENCE_MAX_BYTES`; at least one.
async fn evidence_files(multipart: &mut Multipart) -> ApiResult<Vec<EvidenceFile>> {
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_parameter(format!("multipart: {e}")))?
    {
        if field.name() != Some("file") {
            return Err(ApiError::bad_parameter(format!(
                "multipart part `{}`: the upload takes `file` parts only (a note goes with POST /api/ledger/problems/{{id}})",
                field.name().unwrap_or("")
            )));
        }
        let file_name = field.file_name().unwrap_or("evidence").to_string();
        let media_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| ApiError::bad_parameter(format!("multipart: {e}")))?;
        if bytes.len() > EVIDENCE_MAX_BYTES {
            return Err(ApiError::bad_parameter(format!(
                "{file_name} is larger than {EVIDENCE_MAX_BYTES} bytes"
            )));
        }
        files.push(EvidenceFile {
            file_name,
            media_type,
            bytes: bytes.to_vec(),
        });
    }
    if files.is_empty() {
        return Err(ApiError::bad_parameter("no file in the upload"));
    }
    Ok(files)
}

/// `GET /api/ledger/evidence/{sha256}`: a file, by its content hash only.
pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> ApiResult<Response> {
    reader(&state, &headers).await?;
    let ledger = ledger(&state)?;
    let found = blocking(move || change::evidence_content(ledger.store(), &sha256)).await?;
    let Some((media, bytes)) = found else {
        return Err(ApiError::not_found("no evidence with that SHA-256"));
    };
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".into(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/ledger/progress`: per district and cluster, as `zdz ledger report` writes it.
pub async fn progress(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let actor = reader(&state, &headers).await?;
    let filter = Filter {
        district: (actor.role == Role::District)
            .then(|| actor.district.clone())
            .flatten(),
        ..Filter::default()
    };
    let ledger = ledger(&state)?;
    let p = blocking(move || {
        crate::ledger::progress::progress(ledger.store(), &filter, crate::clock::today())
    })
    .await?;
    let mut v = json!(p);
    v["overdue"] = json!(p.overdue.iter().map(|e| e.json()).collect::<Vec<_>>());
    v["recurrent"] = json!(p.recurrent.iter().map(|e| e.json()).collect::<Vec<_>>());
    Ok(Json(v))
}
