//! The ledger in PostgreSQL, for a city-wide ledger many districts write to at once. A
//! small pool of connections; each operation is one transaction (READ COMMITTED: the
//! ledger's writes guard themselves with row versions and the run counter's row lock).

use anyhow::{Context, Result, bail};
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};

use super::store::{Idle, Row, Store, Tx, Val};

pub struct Postgres {
    url: String,
    pool: Idle<Client>,
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A value as the statement's parameter of type `ty` wants it.
fn param(v: &Val, ty: &Type) -> Result<Box<dyn ToSql + Sync>> {
    Ok(match (v, ty) {
        (Val::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (Val::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (Val::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (Val::Null, _) => Box::new(None::<String>),
        (Val::Int(i), t) if *t == Type::INT8 => Box::new(*i),
        (Val::Int(i), t) if *t == Type::INT4 => Box::new(i32::try_from(*i)?),
        (Val::Int(i), _) => Box::new(i.to_string()),
        (Val::Text(s), t) if *t == Type::INT8 => Box::new(s.parse::<i64>()?),
        (Val::Text(s), _) => Box::new(s.clone()),
        (Val::Blob(b), _) => Box::new(b.clone()),
    })
}

fn row(r: &postgres::Row, columns: &std::sync::Arc<[String]>) -> Result<Row> {
    let mut out = Vec::with_capacity(r.len());
    for (i, c) in r.columns().iter().enumerate() {
        let t = c.type_();
        let v = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map_or(Val::Null, Val::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?
                .map_or(Val::Null, |v| Val::Int(v.into()))
        } else if *t == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)?
                .map_or(Val::Null, Val::Blob)
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?
                .map_or(Val::Null, |b| Val::Int(b as i64))
        } else {
            r.try_get::<_, Option<String>>(i)?
                .map_or(Val::Null, Val::Text)
        };
        out.push(v);
    }
    Ok(Row::new(columns.clone(), out))
}

/// A transaction, with the statements it prepared (a reconcile runs the same few thousands
/// of times: prepared once, each is one round trip).
struct PgTx<'a>(
    postgres::Transaction<'a>,
    std::collections::HashMap<String, postgres::Statement>,
);

impl PgTx<'_> {
    fn bind(
        &mut self,
        sql: &str,
        params: &[Val],
    ) -> Result<(postgres::Statement, Vec<Box<dyn ToSql + Sync>>)> {
        let stmt = match self.1.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = self.0.prepare(sql)?;
                self.1.insert(sql.to_string(), s.clone());
                s
            }
        };
        let bound = params
            .iter()
            .zip(stmt.params())
            .map(|(v, t)| param(v, t))
            .collect::<Result<Vec<_>>>()?;
        Ok((stmt, bound))
    }
}

impl Tx for PgTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let (stmt, bound) = self.bind(sql, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        Ok(self.0.execute(&stmt, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let (stmt, bound) = self.bind(sql, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        let rows = self.0.query(&stmt, &refs)?;
        let columns: std::sync::Arc<[String]> = stmt
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        rows.iter().map(|r| row(r, &columns)).collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.batch_execute(sql)?)
    }

    fn remote(&self) -> bool {
        true
    }
}

impl Postgres {
    pub fn open(url: &str) -> Result<Postgres> {
        let store = Postgres {
            url: url.to_string(),
            pool: Idle::default(),
        };
        let client = store.connect()?;
        store.pool.give_back(client);
        Ok(store)
    }

    fn connect(&self) -> Result<Client> {
        let mut config: postgres::Config = self
            .url
            .parse()
            .with_context(|| format!("{}: not a PostgreSQL URL", redact(&self.url)))?;
        config.connect_timeout(std::time::Duration::from_secs(5));
        config
            .connect(NoTls)
            .with_context(|| format!("{}: cannot connect to the ledger", redact(&self.url)))
    }
}

impl Store for Postgres {
    fn engine(&self) -> &'static str {
        "postgresql"
    }

    fn location(&self) -> String {
        redact(&self.url)
    }

    fn transaction(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut client = match self.pool.take() {
            Some(c) if !c.is_closed() => c,
            _ => self.connect()?,
        };
        let result = (|| -> Result<()> {
            let tx = client.transaction()?;
            let mut wrapped = PgTx(tx, Default::default());
            f(&mut wrapped)?;
            wrapped.0.commit()?;
            Ok(())
        })();
        // A connection that broke (the server went away) is not kept.
        if !client.is_closed() {
            self.pool.give_back(client);
        }
        result.with_context(|| format!("ledger {}", redact(&self.url)))
    }

    fn check(&self) -> Result<()> {
        let mut c = self.connect()?;
        let one: i32 = c.query_one("SELECT 1", &[])?.get(0);
        if one != 1 {
            bail!("{}: the server answered oddly", redact(&self.url));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_url_is_hidden() {
        assert_eq!(
            redact("postgres://zdz:secret@127.0.0.1:5432/ledger"),
            "postgres://zdz:***@127.0.0.1:5432/ledger"
        );
        assert_eq!(
            redact("postgres://zdz@127.0.0.1/ledger"),
            "postgres://zdz@127.0.0.1/ledger"
        );
    }
}
