//! Everything one run produced, as the publishing stages read it: the loaded workspace,
//! the analysis and the readiness scored on it. A view of references, so the files, the
//! service and the reports read one run without copying it.

use crate::analysis::Analysis;
use crate::ledger;
use crate::load::Loaded;
use crate::readiness::Readiness;

#[derive(Clone, Copy)]
pub struct Outcome<'a> {
    pub loaded: &'a Loaded,
    pub analysis: &'a Analysis,
    pub readiness: &'a Readiness,
    /// Where each cluster stands in the campaign, as of a date.
    pub campaign: &'a crate::campaign::Campaign,
    /// The ledger as the outputs show it (status, recurrences …), when there is one to show.
    pub ledger: Option<&'a ledger::View>,
}
