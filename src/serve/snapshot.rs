//! One analysed state of the workspace, as the service serves it: every layer as a
//! collection, the summary, and each outfall's trace. A snapshot is built off the async
//! runtime and never changes; a reload builds a new one and swaps it in whole.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Result;
use serde_json::Value;

use super::collection::Collection;
use crate::analysis::{Analysis, analyze};
use crate::crs;
use crate::load::{Loaded, load};
use crate::publish::{layers, summary};

/// Where an outfall's water comes from: pipe and enterprise ids.
pub struct Trace {
    pub pipes: Vec<String>,
    pub enterprises: Vec<String>,
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
    /// The files the workspace was read from (not connection strings).
    pub sources: Vec<String>,
    /// The deadline schedule, for styling clusters.
    pub schedule: Vec<crate::project::DeadlineRule>,
}

/// The collections, in the order the service lists them: id, title, description.
const COLLECTIONS: [(&str, &str, &str); 8] = [
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
        "Sewer, storm and combined pipes as loaded",
    ),
    (
        "plants",
        "污水厂 Treatment plants",
        "Treatment plants with capacity, inflow and load rate",
    ),
    ("parks", "园区 Parks", "Industrial parks as loaded"),
    (
        "rivers",
        "水系 Rivers",
        "Rivers; main_stem marks the Yangtze",
    ),
];

impl Snapshot {
    /// Load and analyse `workspace`, then build the collections.
    pub fn build(workspace: &str, version: u64) -> Result<Snapshot> {
        let t0 = Instant::now();
        let loaded = load(workspace)?;
        let t1 = Instant::now();
        let analysis = analyze(&loaded.layers, &loaded.project);
        let timings = summary::Timings {
            load_ms: (t1 - t0).as_millis(),
            analyze_ms: t1.elapsed().as_millis(),
            write_ms: 0,
        };
        Snapshot::from_analysis(&loaded, &analysis, &timings, version)
    }

    pub fn from_analysis(
        loaded: &Loaded,
        analysis: &Analysis,
        timings: &summary::Timings,
        version: u64,
    ) -> Result<Snapshot> {
        let to_wgs84 = crs::transform(&crs::spatial_ref(&loaded.working_crs)?, &crs::wgs84())?;
        let mut collections = Vec::with_capacity(COLLECTIONS.len());
        for (id, title, description) in COLLECTIONS {
            let features = layers::by_name(id, loaded, analysis).unwrap_or_default();
            collections.push(Collection::new(
                id,
                title,
                description,
                features,
                &to_wgs84,
            )?);
        }
        let l = &loaded.layers;
        let traces = l
            .outfalls
            .iter()
            .zip(&analysis.outfalls)
            .map(|(o, r)| {
                let trace = Trace {
                    pipes: r
                        .upstream_pipes
                        .iter()
                        .map(|p| l.pipes[*p].id.clone())
                        .collect(),
                    enterprises: r
                        .upstream_enterprises
                        .iter()
                        .map(|e| l.enterprises[*e].id.clone())
                        .collect(),
                };
                (o.id.clone(), trace)
            })
            .collect();
        Ok(Snapshot {
            version,
            built_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            origin: loaded.origin.clone(),
            working_crs: loaded.working_crs.clone(),
            summary: summary::summary(loaded, analysis, timings),
            collections,
            traces,
            sources: loaded.reports.iter().map(|r| r.source.clone()).collect(),
            schedule: loaded.project.deadlines.clone(),
        })
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
}
