//! One analysed state of the workspace, as the service serves it: every layer as a
//! collection, the summary, and each outfall's trace. A snapshot is built off the async
//! runtime and never changes; a reload builds a new one and swaps it in whole.

use std::collections::HashMap;

use anyhow::Result;
use serde_json::Value;

use super::collection::{self, Collection};
use crate::outcome::Outcome;
use crate::publish::{layers, summary};
use crate::tiles::source::TileIndex;

/// Where an outfall's water comes from: its upstream pipes and enterprises, as their places
/// in the pipes' and enterprises' collections (which keep the layers' order): four bytes
/// each instead of a copy of the id (at national scale, 202,360 traces).
pub struct Trace {
    pub pipes: Box<[u32]>,
    pub enterprises: Box<[u32]>,
}

/// Where a cluster's sewage goes: its pipes' places in the pipes' collection, and the
/// plants' ids.
pub struct Downstream {
    pub pipes: Box<[u32]>,
    pub plants: Vec<String>,
}

/// Indexes into a layer, as the collections keep them.
fn places(indexes: &[usize]) -> Box<[u32]> {
    indexes.iter().map(|i| *i as u32).collect()
}

pub struct Snapshot {
    pub version: u64,
    /// Seconds since the Unix epoch when the snapshot was built.
    pub built_at: u64,
    pub origin: String,
    pub working_crs: String,
    pub collections: Vec<Collection>,
    pub summary: Value,
    pub traces: HashMap<String, Trace>,
    /// Each cluster's downstream trace.
    pub downstream: HashMap<String, Downstream>,
    /// Each cluster's readiness as `/api/clusters/{id}/readiness` answers it.
    pub readiness: super::readiness::Readiness,
    /// The files the workspace was read from (not connection strings).
    pub sources: Vec<String>,
    /// The deadline schedule, for styling clusters.
    pub schedule: Vec<crate::project::DeadlineRule>,
    /// Each collection as a tile source, in the order of `collections`.
    pub tiles: Vec<crate::tiles::source::TileIndex>,
}

/// The collections, in the order the service lists them: id, title, description.
const COLLECTIONS: [(&str, &str, &str); 10] = [
    (
        "clusters",
        "组团 Clusters",
        "Clusters with park, Yangtze corridor, deadline and problem counts",
    ),
    (
        "problems",
        "问题清单 Problems",
        "Every problem found, with its rule, feature, cluster and deadline",
    ),
    (
        "outfalls",
        "排口 Outfalls",
        "Outfalls with network match, upstream trace counts, status and problem codes",
    ),
    (
        "enterprises",
        "企业 Enterprises",
        "Enterprises (排水户) with their cluster and the sewer they drain into",
    ),
    (
        "pipes",
        "管网 Pipes",
        "Sewer, storm and combined pipes in their direction of flow, with what decided it",
    ),
    (
        "manholes",
        "管点 Manholes",
        "Points of a pipeline survey (管点): manholes and their ground and invert levels",
    ),
    (
        "plants",
        "污水厂 Treatment plants",
        "Treatment plants with capacity, inflow and load rate",
    ),
    ("parks", "园区 Parks", "Industrial parks as loaded"),
    (
        "districts",
        "区县 Districts",
        "District and county boundaries (区县), drawn under everything",
    ),
    (
        "rivers",
        "水系 Rivers",
        "Rivers; main_stem marks the Yangtze",
    ),
];

/// Where the pipes are in `COLLECTIONS`.
const PIPES: usize = 4;

/// The other collections, largest first.
const BY_SIZE: [usize; 9] = [3, 2, 1, 0, 5, 6, 7, 8, 9];

impl Snapshot {
    /// Load and analyse `workspace` (recording the run in `ledger`, when given), then build
    /// the collections; `public_ledger` shows ledger fields on the problems.
    pub fn build(
        workspace: &str,
        version: u64,
        ledger: Option<&crate::ledger::Ledger>,
        public_ledger: bool,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Snapshot> {
        let input = crate::run::load(workspace, None)?;
        let mut loaded = input.loaded;
        if let Some(l) = ledger {
            crate::run::add_ledger_inspections(&mut loaded, l)?;
        }
        for w in crate::analysis::warnings::warnings(&loaded) {
            tracing::warn!(code = w.code, "警告 {}", w.message);
        }
        let step = match ledger {
            Some(l) => crate::run::LedgerStep::Record(l),
            None => crate::run::LedgerStep::Without,
        };
        // A service kept running says where clusters stand on the day of each load.
        let as_of = as_of.unwrap_or_else(crate::clock::today);
        let assessed = crate::run::assess(&loaded, step, as_of)?;
        tracing::debug!(
            load_ms = input.load_ms,
            analyze_ms = assessed.analyze_ms,
            "workspace analysed"
        );
        let timings = summary::Timings {
            load_ms: input.load_ms,
            analyze_ms: assessed.analyze_ms,
            write_ms: 0,
        };
        let o = assessed.outcome(&loaded, public_ledger);
        let snapshot = Snapshot::from_outcome(o, &timings, version);
        // The layers and the analysis, millions of small allocations at national scale,
        // take seconds to free: the snapshot serves meanwhile.
        std::thread::spawn(move || drop((loaded, assessed)));
        snapshot
    }

    pub fn from_outcome(o: Outcome, timings: &summary::Timings, version: u64) -> Result<Snapshot> {
        let loaded = o.loaded;
        // Every collection and its tile source at once (the pipes take longest), beside
        // the traces and readiness; the large layers from their typed rows, without a
        // JSON object per feature.
        let build = |(id, title, description): &(&str, &str, &str)| {
            let started = std::time::Instant::now();
            let named = collection::Named {
                id,
                title,
                description,
            };
            let c = match layers::typed(id, o) {
                Some(layer) => Collection::from_table(named, layer, &loaded.working_crs),
                None => {
                    let features = crate::timing::phase(format!("serve: {id} features"), || {
                        layers::by_name(id, o).unwrap_or_default()
                    });
                    crate::timing::phase(format!("serve: {id} collection"), || {
                        Collection::new(named, features, &loaded.working_crs)
                    })
                }
            }?;
            let tiles = crate::timing::phase(format!("serve: {id} tile source"), || {
                TileIndex::build(id, &c, crate::tiles::rule(id))
            });
            tracing::debug!(
                collection = id,
                ms = started.elapsed().as_millis(),
                "collection and tile source built"
            );
            Ok::<_, anyhow::Error>((c, tiles))
        };
        // The pipes, by far the largest, on one core from the start; the rest, largest
        // first, and the traces on the other.
        let (pipes, (rest, (traces, downstream, readiness))) = rayon::join(
            || build(&COLLECTIONS[PIPES]),
            || {
                let mut rest: Vec<(usize, Result<(Collection, TileIndex)>)> = Vec::new();
                for i in BY_SIZE {
                    rest.push((i, build(&COLLECTIONS[i])));
                }
                (
                    rest,
                    crate::timing::phase("serve: traces and readiness", || Snapshot::traces(o)),
                )
            },
        );
        let mut built: Vec<(usize, Result<(Collection, TileIndex)>)> = rest;
        built.push((PIPES, pipes));
        built.sort_by_key(|(i, _)| *i);
        let built: Vec<(Collection, TileIndex)> =
            built.into_iter().map(|(_, b)| b).collect::<Result<_>>()?;
        let (collections, tiles): (Vec<Collection>, Vec<TileIndex>) = built.into_iter().unzip();
        Ok(Snapshot {
            tiles,
            version,
            built_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            origin: loaded.origin.clone(),
            working_crs: loaded.working_crs.clone(),
            summary: summary::summary(o, timings),
            collections,
            traces,
            downstream,
            readiness,
            sources: loaded.reports.iter().map(|r| r.source.clone()).collect(),
            schedule: loaded.project.deadlines.clone(),
        })
    }

    /// Each outfall's trace, each cluster's downstream and readiness, as the API answers.
    #[allow(clippy::type_complexity)]
    fn traces(
        o: Outcome,
    ) -> (
        HashMap<String, Trace>,
        HashMap<String, Downstream>,
        super::readiness::Readiness,
    ) {
        let (loaded, analysis) = (o.loaded, o.analysis);
        let l = &loaded.layers;
        let traces = l
            .outfalls
            .iter()
            .zip(&analysis.outfalls)
            .map(|(o, r)| {
                let trace = Trace {
                    pipes: places(&r.upstream_pipes),
                    enterprises: places(&r.upstream_enterprises),
                };
                (o.id.clone(), trace)
            })
            .collect();
        let downstream = l
            .clusters
            .iter()
            .zip(&analysis.clusters)
            .map(|(c, r)| {
                let trace = Downstream {
                    pipes: places(&r.downstream.pipes),
                    plants: r
                        .downstream
                        .plants
                        .iter()
                        .map(|p| l.plants[*p].id.clone())
                        .collect(),
                };
                (c.id.clone(), trace)
            })
            .collect();
        let readiness = super::readiness::Readiness::of(o);
        (traces, downstream, readiness)
    }

    /// The folders holding the workspace's files, to watch for changes.
    pub fn watch_dirs(&self) -> Vec<std::path::PathBuf> {
        let mut dirs: Vec<std::path::PathBuf> = self
            .sources
            .iter()
            .map(std::path::Path::new)
            .filter(|p| p.exists())
            .filter_map(|p| p.canonicalize().ok()?.parent().map(|d| d.to_path_buf()))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    pub fn collection(&self, id: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.id == id)
    }

    /// The deadlines `/api/clusters?deadline=` takes: each deadline of the schedule, the
    /// year of each dated one, and `out_of_scope`.
    pub fn deadline_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.schedule.iter().map(|r| r.deadline.clone()).collect();
        for r in &self.schedule {
            if r.deadline.len() == 10 && r.deadline.as_bytes()[4] == b'-' {
                v.push(r.deadline[..4].to_string());
            }
        }
        v.push("out_of_scope".into());
        v.sort();
        v.dedup();
        v
    }

    /// A collection and its tile source.
    pub fn tile_source(&self, id: &str) -> Option<(&Collection, &crate::tiles::source::TileIndex)> {
        let i = self.collections.iter().position(|c| c.id == id)?;
        Some((&self.collections[i], &self.tiles[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_order_names_every_collection_once_with_the_pipes_apart() {
        assert_eq!(COLLECTIONS[PIPES].0, "pipes");
        let mut all: Vec<usize> = BY_SIZE.to_vec();
        all.push(PIPES);
        all.sort();
        assert_eq!(all, (0..COLLECTIONS.len()).collect::<Vec<_>>());
    }
}
