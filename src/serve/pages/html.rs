//! What every page shares: the frame (title, navigation by role, sign-out), the answer's
//! headers (a strict CSP with no inline script, no caching of a signed-in page), redirects
//! and the one-message pages (403, 404, no ledger).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::session::{CSRF_FIELD, Session};
use crate::contract::pages as w;
use crate::ledger::users::Role;

/// Pages load nothing but this server's own script, style and images, and post forms
/// only to it.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A page in the service's frame.
pub fn frame(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (w::SERVICE) }
                link rel="stylesheet" href="/map/pages.css";
                script type="module" src="/map/pages.js" {}
            }
            body {
                header.bar {
                    span.brand { (w::SERVICE) }
                    @if let Some(s) = session {
                        nav {
                            a href="/problems" { (w::NAV_PROBLEMS) }
                            a href="/dashboard" { (w::NAV_DASHBOARD) }
                            @if s.actor.role == Role::City {
                                a href="/users" { (w::NAV_USERS) }
                            }
                            a href="/map" { (w::NAV_MAP) }
                        }
                        span.who {
                            (s.actor.name) "（" (w::role_zh(s.actor.role.as_str()))
                            @if let Some(d) = &s.actor.district { "·" (d) }
                            "）"
                        }
                        form.inline method="post" action="/signout" {
                            (csrf(s))
                            button type="submit" { (w::SIGN_OUT) }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The hidden CSRF field of a session's form.
pub fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf()); }
}

/// A page as the answer: HTML with the page's CSP, never cached (it shows a user's data).
pub fn respond(status: StatusCode, page: Markup) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page.into_string(),
    )
        .into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

/// 303 to `to` (after a form, so that reloading the page does not send it again).
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A page that says one thing.
pub fn message(status: StatusCode, title: &str, text: &str, session: Option<&Session>) -> Response {
    respond(
        status,
        frame(title, session, html! { p.message { (text) } }),
    )
}

/// A path of this service to go back to after signing in: nothing that leaves it.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/problems".to_string(),
    }
}

/// The web map selecting a feature: an outfall with its trace, a cluster, a problem.
pub fn map_link(layer: &str, id: &str) -> String {
    let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("/map#sel={layer}:{id}")
}
