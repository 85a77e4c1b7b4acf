//! The ledger in a SQLite file (the default): WAL journal, full sync, a busy timeout for
//! writers that meet each other, and write transactions that take the lock at once
//! (`BEGIN IMMEDIATE`), so two writers queue instead of deadlocking.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::store::{Idle, Row, Store, Tx, Val};

pub struct Sqlite {
    path: PathBuf,
    /// Open connections, reused: opening one costs more than a transaction.
    pool: Idle<Connection>,
    /// Every transaction takes SQLite's write lock (`BEGIN IMMEDIATE`); inside one process
    /// they take turns here first, woken the moment the previous one ends, instead of in
    /// SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms between tries: 8 clients'
    /// changes had a p99 of 80 ms that way. Other processes still meet the busy timeout.
    turn: std::sync::Mutex<()>,
}

/// SQLite numbers its parameters `?1`; the ledger's SQL writes `$1` as PostgreSQL does.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn to_sql(v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Int(i) => Value::Integer(*i),
        Val::Text(s) => Value::Text(s.clone()),
        Val::Blob(b) => Value::Blob(b.clone()),
    }
}

fn from_sql(v: ValueRef) -> Val {
    match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(f) => Val::Text(f.to_string()),
        ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Val::Blob(b.to_vec()),
    }
}

struct SqliteTx<'a>(rusqlite::Transaction<'a>);

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let params: Vec<Value> = params.iter().map(to_sql).collect();
        Ok(stmt.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let n = stmt.column_count();
        let columns: std::sync::Arc<[String]> = stmt
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let params: Vec<Value> = params.iter().map(to_sql).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..n)
                .map(|i| row.get_ref(i).map(from_sql))
                .collect::<Result<Vec<Val>, _>>()?;
            out.push(Row::new(columns.clone(), values));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }
}

impl Sqlite {
    /// Open (creating it if need be) the ledger file at `path`.
    pub fn open(path: &Path) -> Result<Sqlite> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            bail!(
                "{}: the folder for the ledger does not exist",
                dir.display()
            );
        }
        let store = Sqlite {
            path: path.to_path_buf(),
            pool: Idle::default(),
            turn: std::sync::Mutex::new(()),
        };
        drop(store.connect()?);
        Ok(store)
    }

    fn connect(&self) -> Result<Connection> {
        let c = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("{}: cannot open the ledger", self.path.display()))?;
        c.busy_timeout(Duration::from_secs(10))?;
        c.pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("{}: not a SQLite ledger", self.path.display()))?;
        c.pragma_update(None, "synchronous", "FULL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        Ok(c)
    }
}

impl Store for Sqlite {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn transaction(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let _turn = self.turn.lock().unwrap_or_else(|e| e.into_inner());
        let mut conn = match self.pool.take() {
            Some(c) => c,
            None => self.connect()?,
        };
        let result = (|| -> Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut wrapped = SqliteTx(tx);
            f(&mut wrapped)?;
            wrapped.0.commit()?;
            Ok(())
        })();
        self.pool.give_back(conn);
        result
    }

    fn check(&self) -> Result<()> {
        let c = self.connect()?;
        let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            bail!("{}: integrity check failed: {verdict}", self.path.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_parameters_become_sqlite_numbered_ones_and_strings_stay() {
        assert_eq!(
            numbered("SELECT $1, $12, '$x' FROM t WHERE a = $2"),
            "SELECT ?1, ?12, '$x' FROM t WHERE a = ?2"
        );
    }
}
