//! One storage interface, two engines: the ledger's logic talks to a `Store` through
//! transactions of plain SQL with `$1`-style parameters and values of four kinds, and
//! cannot tell SQLite from PostgreSQL. Every operation is one transaction, committed whole
//! or rolled back whole.

use std::sync::Arc;

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

/// A row: its values in the order of the query's columns, with the columns' names, so a
/// record is decoded by name (`text`, `int` …) and a NULL where the schema forbids one is
/// an error naming the table and the column instead of an empty default. Aggregates with
/// one value (`MAX(seq)`) are read by position.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Val>,
}

impl std::ops::Index<usize> for Row {
    type Output = Val;

    fn index(&self, i: usize) -> &Val {
        &self.values[i]
    }
}

impl Row {
    pub fn new(columns: Arc<[String]>, values: Vec<Val>) -> Row {
        Row { columns, values }
    }

    /// The values in the query's order.
    pub fn into_values(self) -> Vec<Val> {
        self.values
    }

    /// The value of `column` (named as the query names it) of a row of `table`.
    fn value(&self, table: &str, column: &str) -> Result<&Val> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| &self.values[i])
            .ok_or_else(|| anyhow!("ledger table {table}: the query has no column {column}"))
    }

    /// A text the schema requires.
    pub fn text(&self, table: &str, column: &str) -> Result<String> {
        self.opt_text(table, column)?.ok_or_else(|| {
            anyhow!("ledger table {table}, column {column}: NULL where the schema requires a value")
        })
    }

    /// A text that may be NULL.
    pub fn opt_text(&self, table: &str, column: &str) -> Result<Option<String>> {
        match self.value(table, column)? {
            Val::Null => Ok(None),
            Val::Text(t) => Ok(Some(t.clone())),
            Val::Int(i) => Ok(Some(i.to_string())),
            Val::Blob(_) => Err(anyhow!(
                "ledger table {table}, column {column}: bytes where text is expected"
            )),
        }
    }

    /// An integer the schema requires.
    pub fn int(&self, table: &str, column: &str) -> Result<i64> {
        self.opt_int(table, column)?.ok_or_else(|| {
            anyhow!("ledger table {table}, column {column}: NULL where the schema requires a value")
        })
    }

    /// An integer that may be NULL.
    pub fn opt_int(&self, table: &str, column: &str) -> Result<Option<i64>> {
        match self.value(table, column)? {
            Val::Null => Ok(None),
            v => v.int().map(Some).ok_or_else(|| {
                anyhow!("ledger table {table}, column {column}: {v:?} where an integer is expected")
            }),
        }
    }
}

/// A table's columns as one list, which its SELECT, INSERT and UPDATE statements are all
/// built from.
pub struct Columns {
    pub table: &'static str,
    pub names: &'static [&'static str],
}

impl Columns {
    /// `a, b, c`, each prefixed `prefix.` when given (a table alias).
    pub fn select(&self, prefix: Option<&str>) -> String {
        self.names
            .iter()
            .map(|c| match prefix {
                Some(p) => format!("{p}.{c}"),
                None => c.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `INSERT INTO table (a, b, c) VALUES ` (for `insert_rows`).
    pub fn insert_head(&self) -> String {
        let (table, columns) = (self.table, self.select(None));
        format!("INSERT INTO {table} ({columns}) VALUES ")
    }
}

/// One open transaction.
pub trait Tx {
    /// Run a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Run a query; its rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    /// Run several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Whether each statement is a round trip to a server, so that many rows should go in
    /// one; an embedded database runs one prepared statement per row faster.
    fn remote(&self) -> bool {
        false
    }
}

/// Connections kept open between transactions: as many as a busy office's concurrent
/// requests, so they are not opened again for each (a PostgreSQL connection is a server
/// process: 8 clients over 4 kept connections put p50 at 8.4 ms). More may be open at
/// once (one per concurrent transaction); the rest are closed when returned, so a burst of
/// requests does not leave dozens of connections, each with its own page cache, for the
/// life of `zdz serve`.
pub const IDLE_CONNECTIONS: usize = 16;

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
        .and_then(|r| r.into_values().into_iter().next()))
}

/// Parameters one statement may carry: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// `count` groups `($a, $b, …)` of `width` numbered placeholders each, numbered on from
/// `after` (the parameters before them).
fn placeholder_groups(count: usize, width: usize, after: usize) -> String {
    let mut out = String::with_capacity(count * width * 7);
    for g in 0..count {
        if g > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for k in 0..width {
            if k > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(after + g * width + k + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// Insert `rows` (all of one width): on a server in as few statements as the parameter
/// limit allows (row by row, 80,000 problems were 160,000 round trips to PostgreSQL:
/// 20.9 s), embedded one prepared statement a row. `head` is the statement up to and
/// including `VALUES `.
pub fn insert_rows(tx: &mut dyn Tx, head: &str, rows: &[Vec<Val>]) -> Result<u64> {
    let Some(width) = rows.first().map(Vec::len).filter(|w| *w > 0) else {
        return Ok(0);
    };
    let per = if tx.remote() { MAX_PARAMS / width } else { 1 };
    let mut changed = 0;
    for chunk in rows.chunks(per.max(1)) {
        let sql = head.to_string() + &placeholder_groups(chunk.len(), width, 0);
        let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
        changed += tx.execute(&sql, &params)?;
    }
    Ok(changed)
}

/// Run `head` followed by a list `($k+1, $k+2, …)` of `ids`: on a server in as few
/// statements as the parameter limit allows, embedded one a row; `fixed` are its first
/// parameters, `$1` … `$k`.
pub fn for_ids(tx: &mut dyn Tx, head: &str, fixed: &[Val], ids: &[&str]) -> Result<u64> {
    let per = if tx.remote() {
        MAX_PARAMS - fixed.len()
    } else {
        1
    };
    let mut changed = 0;
    for chunk in ids.chunks(per) {
        let sql = head.to_string() + &placeholder_groups(1, chunk.len(), fixed.len());
        let mut params = fixed.to_vec();
        params.extend(chunk.iter().map(|id| Val::from(*id)));
        changed += tx.execute(&sql, &params)?;
    }
    Ok(changed)
}

#[cfg(test)]
mod row_tests {
    use super::*;

    fn row() -> Row {
        let columns: Arc<[String]> = ["code", "detail", "version"].map(String::from).into();
        Row::new(columns, vec![Val::Null, Val::Null, Val::Int(3)])
    }

    #[test]
    fn a_null_where_the_schema_forbids_one_is_an_error_naming_table_and_column() {
        let e = row().text("entries", "code").unwrap_err().to_string();
        assert!(
            e.contains("entries") && e.contains("code") && e.contains("NULL"),
            "{e}"
        );
        assert_eq!(row().opt_text("entries", "detail").unwrap(), None);
        assert_eq!(row().int("entries", "version").unwrap(), 3);
        let missing = row().text("entries", "status").unwrap_err().to_string();
        assert!(missing.contains("no column status"), "{missing}");
    }

    #[test]
    fn a_tables_insert_is_built_from_its_column_list() {
        let c = Columns {
            table: "history",
            names: &["problem_id", "seq"],
        };
        assert_eq!(
            c.insert_head(),
            "INSERT INTO history (problem_id, seq) VALUES "
        );
        assert_eq!(c.select(Some("h")), "h.problem_id, h.seq");
    }
}
