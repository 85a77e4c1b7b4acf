//! Browser sessions: a random value in the browser's cookie, and in the ledger only its
//! SHA-256, the user it belongs to and when it ends. A session ends at its time, when its
//! user signs out, and whenever the user's password, district or state changes.

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::stamp;
use super::store::{Store, with};
use super::users::{self, Actor};

/// How long a session lasts from sign-in: a working day.
pub const LIFETIME: Duration = Duration::hours(12);

/// The SHA-256 of a session value, as the ledger keeps it.
fn digest(value: &str) -> String {
    super::hex(&Sha256::digest(value.as_bytes()))
}

/// Open a session for `name`; its value, for the cookie, which only the browser keeps.
pub fn open(store: &dyn Store, name: &str, now: DateTime<Utc>) -> Result<String> {
    let value = users::random_hex(32)?;
    let expires = now + LIFETIME;
    with(store, |tx| {
        // Sessions that ended are cleared as new ones open.
        tx.execute(
            "DELETE FROM sessions WHERE expires_at < $1",
            &[stamp(now).into()],
        )?;
        tx.execute(
            "INSERT INTO sessions (session_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[
                digest(&value).into(),
                name.into(),
                stamp(now).into(),
                stamp(expires).into(),
            ],
        )?;
        Ok(())
    })?;
    Ok(value)
}

/// The user of a session still open at `now`, who is not disabled.
pub fn actor(store: &dyn Store, value: &str, now: DateTime<Utc>) -> Result<Option<Actor>> {
    if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let name = with(store, |tx| {
        tx.query(
                "SELECT s.name AS name FROM sessions s JOIN users u ON u.name = s.name WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                &[digest(value).into(), stamp(now).into()],
            )?
            .first()
            .map(|r| r.text("sessions", "name"))
            .transpose()
    })?;
    match name {
        Some(name) => users::by_name(store, &name),
        None => Ok(None),
    }
}

/// End a session (signing out).
pub fn close(store: &dyn Store, value: &str) -> Result<()> {
    with(store, |tx| {
        tx.execute(
            "DELETE FROM sessions WHERE session_hash = $1",
            &[digest(value).into()],
        )?;
        Ok(())
    })
}
