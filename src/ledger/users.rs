//! Who may use the ledger over HTTP: users with a role (city reads and writes everything,
//! district only its own district's problems, viewer reads) and a bearer token. A token is
//! shown once, when the user is added; the ledger keeps only its argon2 hash, under a short
//! public id that says which hash to check. A user may also have a password, for signing
//! in from a browser, kept the same way; a disabled user's token and password open nothing.

use crate::contract::InvalidInput;
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

/// The argon2 hash of a token's secret or a password, as PHC text.
fn hash_secret(secret: &str) -> Result<String> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing a secret: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `secret` matches the PHC `hash`.
fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The shortest password a user may be given.
pub const PASSWORD_MIN_CHARS: usize = 10;

/// Random bytes as hex (token parts, session values).
pub fn random_hex(bytes: usize) -> Result<String> {
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
    let hash = hash_secret(&secret)?;
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
                "SELECT name, role, district, token_hash, disabled FROM users WHERE token_id = $1",
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
    if row.int("users", "disabled")? != 0 {
        return Err(LedgerError::Unauthorized("the user is disabled".into()).into());
    }
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

/// A user as the city's user page lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    #[serde(flatten)]
    pub actor: Actor,
    pub has_password: bool,
    pub disabled: bool,
    pub created_at: String,
}

/// Every user, by name.
pub fn list(store: &dyn Store) -> Result<Vec<User>> {
    with(store, |tx| {
        tx.query(
            "SELECT name, role, district, password_hash, disabled, created_at FROM users ORDER BY name",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(User {
                actor: actor(r)?,
                has_password: r.opt_text("users", "password_hash")?.is_some(),
                disabled: r.int("users", "disabled")? != 0,
                created_at: r.text("users", "created_at")?,
            })
        })
        .collect()
    })
}

/// Give `name` a new password (at least `PASSWORD_MIN_CHARS` characters); its open
/// sessions end.
pub fn set_password(store: &dyn Store, name: &str, password: &str) -> Result<()> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(
            LedgerError::Invalid(InvalidInput::PasswordTooShort(PASSWORD_MIN_CHARS)).into(),
        );
    }
    let hash = hash_secret(password)?;
    update(store, name, Column::PasswordHash, hash.into())
}

/// Disable or enable `name`; disabling ends its sessions.
pub fn set_disabled(store: &dyn Store, name: &str, disabled: bool) -> Result<()> {
    update(store, name, Column::Disabled, Val::Int(i64::from(disabled)))
}

/// Set the district of `name` (a district user must keep one).
pub fn set_district(store: &dyn Store, name: &str, district: Option<&str>) -> Result<()> {
    let district = district.map(str::trim).filter(|d| !d.is_empty());
    if district.is_none() && by_name(store, name)?.is_some_and(|a| a.role == Role::District) {
        return Err(LedgerError::Invalid(InvalidInput::DistrictNeeded).into());
    }
    update(store, name, Column::District, district.into())
}

/// A user's column that changes after it is added.
#[derive(Debug, Clone, Copy)]
enum Column {
    PasswordHash,
    Disabled,
    District,
}

/// Set one column of a user's row and end its sessions, so that what changed applies at
/// its next request.
fn update(store: &dyn Store, name: &str, column: Column, value: Val) -> Result<()> {
    with(store, |tx| {
        let sql = match column {
            Column::PasswordHash => "UPDATE users SET password_hash = $1 WHERE name = $2",
            Column::Disabled => "UPDATE users SET disabled = $1 WHERE name = $2",
            Column::District => "UPDATE users SET district = $1 WHERE name = $2",
        };
        let n = tx.execute(sql, &[value.clone(), name.into()])?;
        if n == 0 {
            return Err(LedgerError::NotFound(format!("no user `{name}`")).into());
        }
        tx.execute("DELETE FROM sessions WHERE name = $1", &[name.into()])?;
        Ok(())
    })
}

/// The user whose name and password these are; `Unauthorized` for an unknown name, a
/// wrong password, a user without a password and a disabled user alike, so that the
/// answer does not tell which.
pub fn sign_in(store: &dyn Store, name: &str, password: &str) -> Result<Actor> {
    let row = with(store, |tx| {
        Ok(tx
            .query(
                "SELECT name, role, district, password_hash, disabled FROM users WHERE name = $1",
                &[name.trim().into()],
            )?
            .into_iter()
            .next())
    })?;
    let refused = || LedgerError::Unauthorized("name or password is wrong".into());
    let Some(row) = row else {
        // The same work as for a known name, so timing does not tell names apart.
        let _ = verify_secret(password, DUMMY_HASH);
        return Err(refused().into());
    };
    let hash = row.opt_text("users", "password_hash")?;
    let ok = verify_secret(password, hash.as_deref().unwrap_or(DUMMY_HASH)) && hash.is_some();
    if !ok || row.int("users", "disabled")? != 0 {
        return Err(refused().into());
    }
    actor(&row)
}

/// An argon2 hash of nothing anyone knows, checked when a name is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0hmd0DjbNLUeGeUsNzIwrFs3YOl9HuJyUp0hfTCjfM0";
