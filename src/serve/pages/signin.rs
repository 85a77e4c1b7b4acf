//! Signing in with a name and password, and out. The sign-in form carries a CSRF token
//! that must equal its cookie (there is no session yet to derive one from); failures are
//! counted per name and address (`serve::throttle`), and past the bound refused whatever
//! the password, for the rest of the window.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Form, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::html::{self as page, frame, local_path, respond};
use super::session::{self, COOKIE, CSRF_FIELD, SIGN_IN_COOKIE};
use super::{blocking, unavailable};
use crate::contract::pages as w;
use crate::ledger::{sessions, users};
use crate::serve::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

/// The sign-in form (a form missing a field, or with one it does not have, is 422).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub name: String,
    pub password: String,
    pub csrf: String,
    pub next: Option<String>,
}

/// A form that carries only its CSRF token (signing out).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Csrf {
    pub csrf: String,
}

/// The form, with a message above it when a try failed.
fn signin_page(
    status: StatusCode,
    headers: &HeaderMap,
    next: &str,
    name: &str,
    message: Option<&str>,
) -> Response {
    let token = crate::ledger::users::random_hex(16).unwrap_or_default();
    let body = html! {
        @if let Some(m) = message { p.error role="alert" { (m) } }
        form.signin method="post" action="/signin" {
            input type="hidden" name=(CSRF_FIELD) value=(token);
            input type="hidden" name="next" value=(next);
            label { (w::NAME) input name="name" value=(name) autocomplete="username" required autofocus; }
            label { (w::PASSWORD) input name="password" type="password" autocomplete="current-password" required; }
            button type="submit" { (w::SIGN_IN) }
        }
    };
    let mut r = respond(status, frame(w::SIGN_IN, None, body));
    r.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(headers, SIGN_IN_COOKIE, &token, 3600),
    );
    r
}

/// `GET /signin?next=`
pub async fn form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    let next = local_path(q.next.as_deref());
    if state.ledger.is_none() {
        return page::message(StatusCode::NOT_FOUND, w::SIGN_IN, w::NO_LEDGER, None);
    }
    match session::current(&state, &headers).await {
        Ok(Some(_)) => page::see_other(&next),
        Ok(None) => signin_page(StatusCode::OK, &headers, &next, "", None),
        Err(e) => unavailable(e),
    }
}

/// The address a request came from, as the listener saw it.
fn address(ext: &Extensions) -> String {
    ext.get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_string(), |c| c.0.ip().to_string())
}

/// `POST /signin`
pub async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ext: Extensions,
    Form(f): Form<SignIn>,
) -> Response {
    let next = local_path(f.next.as_deref());
    let Some(ledger) = state.ledger.clone() else {
        return page::message(StatusCode::NOT_FOUND, w::SIGN_IN, w::NO_LEDGER, None);
    };
    let expected = session::cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::same(&expected, &f.csrf) {
        return signin_page(
            StatusCode::FORBIDDEN,
            &headers,
            &next,
            &f.name,
            Some(w::FORM_EXPIRED),
        );
    }
    let address = address(&ext);
    if let Some(wait) = state.throttle.wait(&f.name, &address, Instant::now()) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        tracing::warn!(name = %f.name, %address, "sign-in refused: too many failures");
        let text = format!("{}{minutes}", w::SIGN_IN_THROTTLED);
        return signin_page(
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            &next,
            &f.name,
            Some(&text),
        );
    }
    let (name, password) = (f.name.clone(), f.password.clone());
    let opened = blocking(
        move || match users::sign_in(ledger.store(), &name, &password) {
            Ok(actor) => Ok(Some((
                sessions::open(ledger.store(), &actor.name, chrono::Utc::now())?,
                actor,
            ))),
            Err(e) if e.downcast_ref::<crate::ledger::LedgerError>().is_some() => Ok(None),
            Err(e) => Err(e),
        },
    )
    .await;
    match opened {
        Ok(Some((value, actor))) => {
            state.throttle.succeeded(&f.name);
            tracing::info!(name = %actor.name, "signed in");
            let mut r = page::see_other(&next);
            let h = r.headers_mut();
            h.append(
                header::SET_COOKIE,
                session::set_cookie(&headers, COOKIE, &value, sessions::LIFETIME.num_seconds()),
            );
            h.append(
                header::SET_COOKIE,
                session::set_cookie(&headers, SIGN_IN_COOKIE, "", 0),
            );
            r
        }
        Ok(None) => {
            state.throttle.failed(&f.name, &address, Instant::now());
            tracing::warn!(name = %f.name, %address, "sign-in failed");
            signin_page(
                StatusCode::UNAUTHORIZED,
                &headers,
                &next,
                &f.name,
                Some(w::SIGN_IN_REFUSED),
            )
        }
        Err(e) => unavailable(e),
    }
}

/// `POST /signout`: ends the session, here and in the ledger.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<Csrf>,
) -> Response {
    let (s, ledger) = match super::signed_form(&state, &headers, &uri, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let value = s.value().to_string();
    if let Err(e) = blocking(move || sessions::close(ledger.store(), &value)).await {
        return unavailable(e);
    }
    let mut r = page::see_other("/signin");
    r.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&headers, COOKIE, "", 0),
    );
    r
}
