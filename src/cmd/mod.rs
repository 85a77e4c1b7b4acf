//! The subcommands of `zdz`, one file each; `main.rs` holds their command-line definitions.

/// `zdz analyze`.
pub mod analyze;
/// `zdz check`.
pub mod check;
/// `zdz ledger …`.
pub mod ledger;
