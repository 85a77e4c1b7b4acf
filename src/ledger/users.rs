//! Who may use the ledger over HTTP: users with a role (city reads and writes everything,
//! district only its own district's problems, viewer reads) and a bearer token. A token is
//! shown once, when the user is added; the ledger keeps only its argon2 hash, under a short
//! public id that says which hash to check.

use anyhow::{Result, bail};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::Serialize;

use super::LedgerError;
use super::store::{Row, Store, Val, with};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    City,
    District,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Result<Role> {
        match s.trim().to_lowercase().as_str() {
            "city" | "市" | "市级" => Ok(Role::City),
            "district" | "区县" | "区" => Ok(Role::District),
            "viewer" | "查看" => Ok(Role::Viewer),
            other => bail!("`{other}` is not a role; the roles are city, district, viewer"),
        }
    }
}

/// Who makes a change: a user of the service, or a name given on the command line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub name: String,
    pub role: Role,
    pub district: Option<String>,
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness for a token: {e}"))?;
    Ok(super::hex(&buf))
}

/// Add a user; the token, which is shown only now.
pub fn add(
    store: &dyn Store,
    name: &str,
    role: Role,
    district: Option<&str>,
    now: &str,
) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        bail!("a user needs a name");
    }
    if role == Role::District && district.is_none_or(|d| d.trim().is_empty()) {
        bail!("a district user needs --district (the district whose problems it may change)");
    }
    let id = random_hex(8)?;
    let secret = random_hex(32)?;
    let hash: PasswordHash = Argon2::default()
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the token: {e}"))?;
    let hash = hash.to_string();
    with(store, |tx| {
        let exists = !tx
            .query("SELECT name FROM users WHERE name = $1", &[name.into()])?
            .is_empty();
        if exists {
            bail!("user `{name}` exists already");
        }
        tx.execute(
            "INSERT INTO users (name, role, district, token_id, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                name.into(),
                role.as_str().into(),
                district.map(str::trim).into(),
                (&id).into(),
                (&hash).into(),
                now.into(),
            ],
        )?;
        Ok(())
    })?;
    Ok(format!("zdz_{id}_{secret}"))
}

/// The user a token belongs to; an unknown or malformed token is `Unauthorized`.
pub fn authenticate(store: &dyn Store, token: &str) -> Result<Actor> {
    let unauthorized = || LedgerError::Unauthorized("unknown token".into());
    let mut parts = token.trim().splitn(3, '_');
    let (Some("zdz"), Some(id), Some(secret)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(unauthorized().into());
    };
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unauthorized().into());
    }
    let row = with(store, |tx| {
        Ok(tx
            .query(
                "SELECT name, role, district, token_hash FROM users WHERE token_id = $1",
                &[id.into()],
            )?
            .into_iter()
            .next())
    })?;
    let Some(row) = row else {
        return Err(unauthorized().into());
    };
    let hash = row.text("users", "token_hash")?;
    let parsed = PasswordHash::new(&hash).map_err(|_| unauthorized())?;
    Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .map_err(|_| unauthorized())?;
    actor(&row)
}

/// A user decoded by column name.
fn actor(r: &Row) -> Result<Actor> {
    Ok(Actor {
        name: r.text("users", "name")?,
        role: Role::parse(&r.text("users", "role")?)?,
        district: r.opt_text("users", "district")?,
    })
}

/// The registered user called `name`, if there is one (for the command line's `--by`).
pub fn by_name(store: &dyn Store, name: &str) -> Result<Option<Actor>> {
    with(store, |tx| {
        tx.query(
            "SELECT name, role, district FROM users WHERE name = $1",
            &[Val::from(name)],
        )?
        .first()
        .map(actor)
        .transpose()
    })
}
