//! The city's user management: every user with role, district and state; add a user (with
//! a password, and a script token shown once), disable or enable one, reset a password,
//! set a district. Every change ends the user's sessions, so that it applies at once.

use crate::contract::InvalidInput;
use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{self as page, csrf, frame, respond};
use super::session::Session;
use super::{blocking, signed_form, signed_in, unavailable};
use crate::contract::pages as w;
use crate::ledger::users::{self, Role, User};
use crate::ledger::{Ledger, LedgerError, now};
use crate::serve::state::AppState;

fn city_only(session: &Session) -> Option<Response> {
    (session.actor.role != Role::City).then(|| {
        page::message(
            StatusCode::FORBIDDEN,
            w::FORBIDDEN_TITLE,
            w::READ_ONLY,
            Some(session),
        )
    })
}

/// A form of the city's: its session (with a good CSRF token) and the ledger, or the
/// answer instead.
async fn city_form(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    uri: &Uri,
    csrf: &str,
) -> Result<(Session, Arc<Ledger>), Response> {
    let (session, ledger) = signed_form(state, headers, uri, csrf).await?;
    match city_only(&session) {
        Some(r) => Err(r),
        None => Ok((session, ledger)),
    }
}

/// `GET /users`
pub async fn page(State(state): State<Arc<AppState>>, headers: HeaderMap, uri: Uri) -> Response {
    let (session, ledger) = match signed_in(&state, &headers, &uri).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Some(r) = city_only(&session) {
        return r;
    }
    show(&session, ledger, StatusCode::OK, html! {}).await
}

async fn show(
    session: &Session,
    ledger: Arc<Ledger>,
    status: StatusCode,
    notice: Markup,
) -> Response {
    let all = match blocking(move || users::list(ledger.store())).await {
        Ok(u) => u,
        Err(e) => return unavailable(e),
    };
    respond(
        status,
        frame(w::USERS_TITLE, Some(session), body(session, &all, notice)),
    )
}

fn body(session: &Session, all: &[User], notice: Markup) -> Markup {
    html! {
        (notice)
        div.scroll {
            table.users {
                thead { tr {
                    th { (w::NAME) } th { (w::ROLE) } th { (w::DISTRICT) } th { (w::HAS_PASSWORD) } th { (w::STATE) } th {}
                } }
                tbody {
                    @for u in all {
                        @let name = &u.actor.name;
                        @let action = format!("/users/{}", form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>());
                        tr data-user=(name) {
                            td { (name) }
                            td { (w::role_zh(u.actor.role.as_str())) }
                            td { (u.actor.district.as_deref().unwrap_or("")) }
                            td { (crate::contract::words::yes_no(u.has_password)) }
                            td { (if u.disabled { w::DISABLED } else { w::ENABLED }) }
                            td.actions {
                                form.inline method="post" action=(action) {
                                    (csrf(session))
                                    input type="hidden" name="action" value=(if u.disabled { "enable" } else { "disable" });
                                    button type="submit" { (if u.disabled { w::ENABLE } else { w::DISABLE }) }
                                }
                                form.inline method="post" action=(action) {
                                    (csrf(session))
                                    input type="hidden" name="action" value="password";
                                    input type="password" name="password" autocomplete="new-password" placeholder=(w::NEW_PASSWORD) aria-label=(w::NEW_PASSWORD) required;
                                    button type="submit" { (w::RESET_PASSWORD) }
                                }
                                form.inline method="post" action=(action) {
                                    (csrf(session))
                                    input type="hidden" name="action" value="district";
                                    input name="district" value=(u.actor.district.as_deref().unwrap_or("")) aria-label=(w::DISTRICT);
                                    button type="submit" { (w::SET_DISTRICT) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (w::ADD_USER) }
        form.change method="post" action="/users" {
            (csrf(session))
            label { (w::NAME) input name="name" required; }
            label { (w::ROLE)
                select name="role" {
                    @for r in [Role::District, Role::City, Role::Viewer] {
                        option value=(r.as_str()) { (w::role_zh(r.as_str())) }
                    }
                }
            }
            label { (w::DISTRICT) input name="district"; }
            label { (w::NEW_PASSWORD) input type="password" name="password" autocomplete="new-password" required; }
            button type="submit" { (w::ADD) }
        }
    }
}

/// The form that adds a user.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddForm {
    pub csrf: String,
    pub name: String,
    pub role: String,
    pub district: Option<String>,
    pub password: String,
}

/// The answer after a user change: the page with what happened above it.
async fn after(
    session: &Session,
    ledger: Arc<Ledger>,
    done: anyhow::Result<Option<String>>,
) -> Response {
    match done {
        Ok(token) => {
            let notice = html! {
                p.notice role="status" { (w::DONE) }
                @if let Some(t) = token { p.notice { (w::TOKEN_ONCE) code.token { (t) } } }
            };
            show(session, ledger, StatusCode::OK, notice).await
        }
        Err(e) => match e.downcast_ref::<LedgerError>() {
            Some(_) => {
                let notice = html! { p.error role="alert" { (w::REFUSED) (e.to_string()) } };
                show(session, ledger, StatusCode::UNPROCESSABLE_ENTITY, notice).await
            }
            None => unavailable(e),
        },
    }
}

/// `POST /users`: add a user with a password; its script token is shown once.
pub async fn add(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<AddForm>,
) -> Response {
    let (session, ledger) = match city_form(&state, &headers, &uri, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let l = ledger.clone();
    let done = blocking(move || {
        let role = Role::parse(&f.role)
            .map_err(|e| LedgerError::Invalid(InvalidInput::Other(e.to_string())))?;
        if f.password.chars().count() < users::PASSWORD_MIN_CHARS {
            return Err(
                LedgerError::Invalid(InvalidInput::Other(w::NEW_PASSWORD.to_string())).into(),
            );
        }
        let district = f
            .district
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let token = users::add(l.store(), &f.name, role, district, &now())
            .map_err(|e| LedgerError::Invalid(InvalidInput::Other(e.to_string())))?;
        users::set_password(l.store(), f.name.trim(), &f.password)?;
        Ok(Some(token))
    })
    .await;
    after(&session, ledger, done).await
}

/// The forms that change a user: `action` is disable, enable, password or district.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeForm {
    pub csrf: String,
    pub action: String,
    pub password: Option<String>,
    pub district: Option<String>,
}

/// `POST /users/{name}`: disable, enable, reset the password, set the district.
pub async fn change(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let (session, ledger) = match city_form(&state, &headers, &uri, &f.csrf).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let l = ledger.clone();
    let done = blocking(move || {
        let store = l.store();
        match f.action.as_str() {
            "disable" => users::set_disabled(store, &name, true)?,
            "enable" => users::set_disabled(store, &name, false)?,
            "password" => users::set_password(store, &name, f.password.as_deref().unwrap_or(""))?,
            "district" => users::set_district(store, &name, f.district.as_deref())?,
            other => {
                return Err(
                    LedgerError::Invalid(InvalidInput::Other(format!("action = {other}"))).into(),
                );
            }
        }
        Ok(None)
    })
    .await;
    // Tokens checked before keep no power past a change.
    state.forget_actors();
    after(&session, ledger, done).await
}
