//! The subcommands of `zdz`, one file each; `main.rs` holds their command-line definitions.

/// `zdz analyze`.
pub mod analyze;
/// `zdz check`.
pub mod check;
/// `zdz init`.
pub mod init;
/// `zdz ledger …`.
pub mod ledger;
/// `zdz report`.
pub mod report;
/// Warnings, highlighted on the terminal.
pub mod warn;
