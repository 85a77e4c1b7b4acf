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
/// What `zdz analyze` says on the terminal when it is done.
pub mod summary;
/// Warnings, highlighted on the terminal.
pub mod warn;
