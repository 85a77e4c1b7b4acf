//! zdz: spatial checks for China's industrial-park "污水零直排区" (zero direct sewage
//! discharge zone) campaign.
//!
//! Data flows one way: **load → index → analyze → publish**.

/// Pure analyses: matching, traces, coverage, corridor, deadlines, problems.
pub mod analysis;
/// The layer contract and the problem codes (SPEC §3–§4), defined once.
pub mod contract;
/// Coordinate systems: working zone choice, reprojection, GCJ-02/BD-09 correction.
pub mod crs;
/// The synthetic Chongqing demo workspace generator.
pub mod demo;
/// Fault points the crash and outage tests pause zdz at.
pub mod fault;
/// R-trees for every spatial query.
pub mod index;
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
/// The project file `zdz.toml` and its defaults.
pub mod project;
/// Write results: GeoJSON layers and summary.json.
pub mod publish;
/// Acceptance readiness: the score on the rubric, the veto, and the fewest fixes to ready.
pub mod readiness;
/// `zdz serve`: OGC API – Features and JSON endpoints over HTTP.
pub mod serve;
/// QGIS and SLD styles generated from one rule model.
pub mod styles;
/// Vector tiles cut per request from the in-memory collections.
pub mod tiles;
/// Wall time per named step of a run.
pub mod timing;
