//! The ledger's schema, in numbered migration files (`migrations/NNNN_name.sql`) that both
//! engines run, each once, in order, inside one transaction with its record in
//! `schema_migrations`: a ledger is at a version or below it, never half-way.

use anyhow::{Context, Result};

use super::store::{Store, Val, scalar};

/// Every migration, in order: version, name, SQL.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "ledger", include_str!("migrations/0001_ledger.sql")),
    (
        2,
        "acceptance",
        include_str!("migrations/0002_acceptance.sql"),
    ),
    (3, "signin", include_str!("migrations/0003_signin.sql")),
    (
        4,
        "inspections",
        include_str!("migrations/0004_inspections.sql"),
    ),
    (
        5,
        "narratives",
        include_str!("migrations/0005_narratives.sql"),
    ),
];

/// The newest schema version this zdz knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Bring the ledger to the latest schema; refuse one newer than this zdz.
pub fn migrate(store: &dyn Store) -> Result<()> {
    store.transaction(&mut |tx| {
        tx.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current = scalar(tx, "SELECT MAX(version) FROM schema_migrations", &[])?
            .and_then(|v| v.int())
            .unwrap_or(0);
        if current > latest() {
            anyhow::bail!(
                "the ledger is at schema version {current}, newer than this zdz knows ({}): update zdz",
                latest()
            );
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            tx.batch(sql)
                .with_context(|| format!("migration {version:04}_{name}"))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[Val::Int(*version), (*name).into(), super::now().into()],
            )?;
        }
        Ok(())
    })
    .with_context(|| format!("{} ({}): cannot set up the ledger", store.location(), store.engine()))
}
