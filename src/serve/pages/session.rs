//! Who a browser is: the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS), the
//! CSRF token every form of a session carries (derived from the session's value, so it is
//! never stored), and the one the sign-in form carries before there is a session.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

use crate::ledger::sessions;
use crate::ledger::users::Actor;
use crate::serve::state::AppState;

/// The session's cookie.
pub const COOKIE: &str = "zdz_session";
/// The sign-in form's CSRF cookie (double submit: the form's field must equal it).
pub const SIGN_IN_COOKIE: &str = "zdz_signin";
/// The name of the CSRF field of every form.
pub const CSRF_FIELD: &str = "csrf";

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    value: String,
}

impl Session {
    /// The token this session's forms carry.
    pub fn csrf(&self) -> String {
        csrf_of(&self.value)
    }

    /// Whether `given` is this session's CSRF token.
    pub fn csrf_ok(&self, given: &str) -> bool {
        same(&self.csrf(), given)
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

fn csrf_of(value: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"zdz-csrf\0");
    h.update(value.as_bytes());
    crate::ledger::hex(&h.finalize())
}

/// Equal strings, compared in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// Whether the browser reached the service over TLS (through a proxy that says so).
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole service, Secure when the
/// browser came over TLS; `max_age` 0 deletes it.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are hex")
}

/// The session the request's cookie opens, if any (none without a ledger).
pub async fn current(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> anyhow::Result<Option<Session>> {
    let (Some(ledger), Some(value)) = (state.ledger.clone(), cookie(headers, COOKIE)) else {
        return Ok(None);
    };
    let v = value.clone();
    let actor = tokio::task::spawn_blocking(move || {
        sessions::actor(ledger.store(), &v, chrono::Utc::now())
    })
    .await??;
    Ok(actor.map(|actor| Session { actor, value }))
}
