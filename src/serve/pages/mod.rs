//! The pages people work in (`zdz serve --ledger`): sign-in, the problem list and a
//! problem's page with its form and evidence, the city's dashboard, and the users. Served
//! as HTML from the server, forms that work without script; each page is refused (303 to
//! sign-in, 403, or a page that says the service needs a ledger) before it reads anything.

/// A cluster's page: acceptances and the 建设总结报告's text.
pub mod clusters;
/// The city's progress by district and deadline.
pub mod dashboard;
/// The frame, headers and one-message pages.
pub mod html;
/// An outfall's page and the 记录排查 form.
pub mod outfalls;
/// Long lists a page at a time.
pub mod paging;
/// What the parts of a multipart form must be, checked before the session.
pub mod parts;
/// The problem list and a problem's page.
pub mod problems;
/// The session cookie and CSRF tokens.
pub mod session;
/// Signing in and out.
pub mod signin;
/// The small map on a problem's page.
pub mod sketch;
/// The city's user management.
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};

use crate::contract::pages as w;
use crate::ledger::Ledger;
use crate::serve::state::AppState;
use session::Session;

/// `?saved=1`: the page after its form was saved says so.
#[derive(Debug, serde::Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

/// Every page but the evidence upload (which takes a larger body).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/problems", get(problems::list))
        .route("/problems/{id}", get(problems::page).post(problems::change))
        .route("/dashboard", get(dashboard::page))
        .route("/outfalls/{id}", get(outfalls::page))
        .route("/clusters/{id}", get(clusters::page))
        .route("/clusters/{id}/narrative", post(clusters::narrative))
        .route("/users", get(users::page).post(users::add))
        .route("/users/{name}", post(users::change))
}

/// The evidence upload, under the upload size limit.
pub fn upload_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/problems/{id}/evidence", post(problems::upload))
        .route("/outfalls/{id}/inspections", post(outfalls::record))
        .route("/clusters/{id}/acceptance", post(clusters::accept))
}

/// The signed-in session of a page request with its ledger: otherwise the answer to give
/// instead (sign in first; the service has no ledger; the ledger does not answer).
pub async fn signed_in(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(Session, Arc<Ledger>), Response> {
    let Some(ledger) = state.ledger.clone() else {
        return Err(html::message(
            StatusCode::NOT_FOUND,
            w::SIGN_IN,
            w::NO_LEDGER,
            None,
        ));
    };
    match session::current(state, headers).await {
        Ok(Some(s)) => Ok((s, ledger)),
        Ok(None) => {
            let next: String = form_urlencoded::byte_serialize(
                uri.path_and_query().map_or("/", |p| p.as_str()).as_bytes(),
            )
            .collect();
            Err(html::see_other(&format!("/signin?next={next}")))
        }
        Err(e) => Err(unavailable(e)),
    }
}

/// As `signed_in`, for a form: its CSRF field must be the session's token.
pub async fn signed_form(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    uri: &Uri,
    csrf: &str,
) -> Result<(Session, Arc<Ledger>), Response> {
    let (s, ledger) = signed_in(state, headers, uri).await?;
    if !s.csrf_ok(csrf) {
        return Err(html::message(
            StatusCode::FORBIDDEN,
            w::FORBIDDEN_TITLE,
            w::FORM_EXPIRED,
            Some(&s),
        ));
    }
    Ok((s, ledger))
}

/// A form that is not the form (a field missing, or one it does not have): 422 with the
/// service's JSON error, before any session is looked at.
pub fn malformed(why: impl Into<String>) -> Response {
    let mut e = crate::serve::error::ApiError::bad_parameter(why);
    e.status = StatusCode::UNPROCESSABLE_ENTITY;
    axum::response::IntoResponse::into_response(e)
}

/// The ledger did not answer.
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::warn!("a page could not read the ledger: {e}");
    html::message(
        StatusCode::SERVICE_UNAVAILABLE,
        w::SERVICE,
        w::LEDGER_UNAVAILABLE,
        None,
    )
}

/// Run a ledger call off the async reactor.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f).await?
}
