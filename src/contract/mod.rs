//! The contract of the contract (docs/workspace.md, docs/rules.md) in one place: which layers zdz reads, the fields and
//! Chinese aliases it matches, the kinds it understands and the problem codes it reports.
//!
//! The loader, the analyses, the outputs and the README all read these tables, so a name
//! is spelt once. Nothing here does I/O.

/// Where a cluster stands in the campaign as of a date, and its labels.
pub mod campaign;
/// Input layers and their fields, with aliases.
pub mod layers;
/// Problem codes with their rule, severity and labels.
pub mod problems;
/// Where a cluster stands against acceptance: the readiness groups and their labels.
pub mod readiness;

pub use campaign::CampaignStatus;
pub use layers::{
    ANSWER_SHEETS, AnswerKind, FieldSpec, LayerKind, MANUAL_FIELDS, ManualField, NUMBER_FIELDS,
    manual_field,
};
pub use problems::{ProblemCode, Severity};
/// Each problem's detail sentence, in Chinese and English.
pub mod details;
pub use details::Detail;
pub use readiness::ReadinessGroup;
/// The words of the values zdz writes (statuses, kinds, reasons), in Chinese and English.
pub mod words;
pub use words::{Vocabulary, Word};
/// The words of the documents `zdz report` writes, in Chinese or English.
pub mod documents;
/// What was wrong with a feature's geometry, in Chinese and English.
pub mod geometry_faults;
/// The kinds of pipe and outfall.
pub mod kinds;
/// The words of the service's pages.
pub mod pages;
/// Why the ledger refuses a change, in both languages.
pub mod refusals;
pub use documents::Lang;
/// What the load found wrong with a feature's values, in both languages.
pub mod load_faults;
pub use load_faults::{LoadFault, Unreadable};
/// Why the ledger does not take a value, in both languages.
pub mod invalid_input;
pub use invalid_input::InvalidInput;
/// Why the ledger's import skips a row, in both languages.
pub mod import_skips;
/// The words of the workbooks.
pub mod workbooks;
