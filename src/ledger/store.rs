//! One storage interface, two engines: the ledger's logic talks to a `Store` through
//! transactions of plain SQL with `$1`-style parameters and values of four kinds, and
//! cannot tell SQLite from PostgreSQL. Every operation is one transaction, committed whole
//! or rolled back whole.

use anyhow::{Result, anyhow};

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl Val {
    pub fn text(&self) -> Option<&str> {
        match self {
            Val::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn string(&self) -> Option<String> {
        self.text().map(str::to_string)
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn blob(self) -> Option<Vec<u8>> {
        match self {
            Val::Blob(b) => Some(b),
            _ => None,
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}

impl From<&String> for Val {
    fn from(s: &String) -> Val {
        Val::Text(s.clone())
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Int(b as i64)
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// A row: its values in the order of the query's columns.
pub type Row = Vec<Val>;

/// One open transaction.
pub trait Tx {
    /// Run a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Run a query; its rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    /// Run several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<()>;
}

/// Connections kept open between transactions. More may be open at once (one per
/// concurrent transaction); the rest are closed when returned, so a burst of requests
/// does not leave dozens of connections, each with its own page cache, for the life of
/// `zdz serve`.
pub const IDLE_CONNECTIONS: usize = 4;

/// Connections waiting for the next transaction, at most [`IDLE_CONNECTIONS`].
pub struct Idle<C>(std::sync::Mutex<Vec<C>>);

impl<C> Default for Idle<C> {
    fn default() -> Self {
        Idle(std::sync::Mutex::new(Vec::new()))
    }
}

impl<C> Idle<C> {
    /// One waiting connection, if any.
    pub fn take(&self) -> Option<C> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    /// Keep `c` for the next transaction, or close it when enough are waiting.
    pub fn give_back(&self, c: C) {
        let mut idle = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(c);
        }
    }
}

/// A database the ledger lives in.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgresql`, for messages.
    fn engine(&self) -> &'static str;
    /// Where it is, for messages (a path, or a URL without its password).
    fn location(&self) -> String;
    /// Run `f` in one transaction: committed when it returns Ok, rolled back otherwise.
    fn transaction(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Whether the database answers, and its own integrity check passes.
    fn check(&self) -> Result<()>;
}

/// Run `f` in a transaction of `store` and hand back what it produced.
pub fn with<T>(store: &dyn Store, mut f: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
    let mut out = None;
    store.transaction(&mut |tx| {
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| anyhow!("the transaction produced nothing"))
}

/// The first value of the first row, if any.
pub fn scalar(tx: &mut dyn Tx, sql: &str, params: &[Val]) -> Result<Option<Val>> {
    Ok(tx
        .query(sql, params)?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next()))
}
