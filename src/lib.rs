//! zdz: spatial checks for China's industrial-park "污水零直排区" (zero direct sewage
//! discharge zone) campaign.
//!
//! Data flows one way: **load → index → analyze → readiness/ledger → publish / serve /
//! report**; `run` is one run through it up to the readiness, which every command shares
//! (`docs/architecture.md`).

// The command line's messages in English and Chinese (locales/zdz.yml).
rust_i18n::i18n!("locales", fallback = "en");

/// Pure analyses: matching, traces, coverage, corridor, deadlines, problems.
pub mod analysis;
/// Files written whole or not at all (a temporary file renamed into place).
pub mod atomic;
/// Where each cluster stands in the campaign as of a date: accepted, recheck, overdue, due.
pub mod campaign;
/// Now and today, or the moment `SOURCE_DATE_EPOCH` names.
pub mod clock;
/// The layer contract, the problem codes and the readiness groups, defined once.
pub mod contract;
/// Coordinate systems: working zone choice, reprojection, GCJ-02/BD-09 correction.
pub mod crs;
/// The synthetic Chongqing demo workspace generator.
pub mod demo;
/// Fault points the crash and outage tests pause zdz at.
pub mod fault;
/// The language of messages: Chinese when the locale is, English otherwise.
pub mod i18n;
/// R-trees for every spatial query.
pub mod index;
/// `zdz init`: a bureau's folder mapped to the contract, as a commented zdz.toml.
pub mod init;
/// The problem ledger: runs, entries, changes, users and progress.
pub mod ledger;
/// Read a workspace into domain types in the working CRS.
pub mod load;
/// Domain types shared by every stage.
pub mod model;
/// The directed sewer/storm network and upstream traces.
pub mod network;
/// Everything one run produced, as publishing reads it.
pub mod outcome;
/// Work that takes idle cores only (a lowered thread priority) while the analysis runs.
pub mod priority;
/// The project file `zdz.toml` and its defaults.
pub mod project;
/// Write results: GeoJSON layers and summary.json.
pub mod publish;
/// Acceptance readiness: the score on the rubric, the veto, and the fewest fixes to ready.
pub mod readiness;
/// Maps and charts as SVG, for the PNG overviews and the reports.
pub mod render;
/// Reports: per cluster, the city overview, outfall signboards, as PDF and HTML.
pub mod report;
/// One run (load, analyse, ledger, readiness), which analyze, report and serve share.
pub mod run;
/// `zdz serve`: OGC API – Features and JSON endpoints over HTTP.
pub mod serve;
/// QGIS and SLD styles generated from one rule model.
pub mod styles;
/// Vector tiles cut per request from the in-memory collections.
pub mod tiles;
/// Wall time per named step of a run.
pub mod timing;
