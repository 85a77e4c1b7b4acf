//! Load a workspace: find each layer, open it through GDAL, choose the working metric CRS,
//! and read every feature into domain types in that CRS (docs/workspace.md).
//!
//! Errors that make the workspace unusable (a missing required layer or field, a CRS that
//! cannot be right) stop the load with a message naming the file, the layer and the field.
//! A bad feature is reported as a finding and skipped; the load goes on.

/// Reading through GDAL's Arrow stream.
mod arrow;
/// Raw features to domain types, with findings.
mod domain;
/// Shapefile .dbf encodings: UTF-8 or GB18030 when there is no .cpg.
pub mod encoding;
/// A feature's field values as GDAL gives them.
pub mod fields;
/// GDAL's warnings about a layer, captured as findings.
pub mod gdal_messages;
/// Geometry hygiene: validity, repair, multi-part splitting, representative points.
pub mod geometry;
/// What a source layer holds before it is matched to the contract.
pub mod inventory;
/// A survey's pipe table drawn as lines between its points.
mod pipe_table;
/// Open one GDAL layer and read its features into the working CRS.
pub mod read;
/// Resolve a workspace argument to one source per layer.
pub mod source;
/// A filled-in survey workbook's manual answers, applied over the layers'.
pub mod survey;
/// EPA SWMM models (.inp) as pipe and outfall layers.
pub mod swmm;
/// Point coordinates read from a table's columns, in the order that places them.
pub mod table_coords;
/// Booleans, kinds and numbers in English or Chinese.
pub mod values;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rust_i18n::t;

use crate::contract::LayerKind;
use crate::crs;
use crate::model::{FindingKind, Layers, LoadFinding};
use crate::project::Project;
use domain::Builder;
use read::RawFeature;
use read::{LayerReport, OpenedLayer};

/// A loaded workspace: its project settings, the layers in the working CRS and a report
/// per layer of what was read.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub origin: String,
    pub project: Project,
    /// The working CRS as a definition GDAL parses (`EPSG:4545`, or WKT).
    pub working_crs: String,
    pub layers: Layers,
    pub reports: Vec<LayerReport>,
}

/// Load the workspace named by `arg` (a path or a connection string).
pub fn load(arg: &str) -> Result<Loaded> {
    let workspace = source::resolve(arg)?;
    for kind in LayerKind::ALL.into_iter().filter(|k| k.required()) {
        if !workspace.sources.contains_key(&kind) {
            let found: Vec<_> = workspace.sources.keys().map(|k| k.name()).collect();
            bail!(
                "{}",
                t!(
                    "err.no_required_layer",
                    origin = workspace.origin,
                    layer = kind.name(),
                    aliases = kind.aliases().join(", "),
                    found = if found.is_empty() {
                        "none".to_string()
                    } else {
                        found.join(", ")
                    }
                )
            );
        }
    }

    let mut gdal_warnings: Vec<(LayerKind, String)> = Vec::new();
    let mut opened: Vec<OpenedLayer> = Vec::new();
    for source in workspace.sources.values() {
        let (layer, warnings) = gdal_messages::capture(|| OpenedLayer::open(source));
        gdal_warnings.extend(warnings.into_iter().map(|w| (source.kind, w)));
        opened.push(layer?);
    }

    let layer_bounds: Vec<Option<[f64; 4]>> = opened
        .iter()
        .map(OpenedLayer::bounds_wgs84)
        .collect::<Result<_>>()?;
    check_all_in_china_or_none(&opened, &layer_bounds)?;

    // The working zone follows the features being analysed, not the rivers and districts
    // around them.
    let mut bounds: Option<[f64; 4]> = None;
    let mut river_bounds: Option<[f64; 4]> = None;
    for (layer, b) in opened.iter().zip(&layer_bounds) {
        let target = if matches!(layer.source.kind, LayerKind::Rivers | LayerKind::Districts) {
            &mut river_bounds
        } else {
            &mut bounds
        };
        *target = union(*target, *b);
    }
    let working = crs::working_crs(
        workspace.project.info.crs.as_deref(),
        bounds.or(river_bounds),
    )
    .with_context(|| workspace.origin.clone())?;
    let working_def = working
        .auth_code()
        .ok()
        .filter(|_| working.auth_name().as_deref() == Some("EPSG"))
        .map(|c| format!("EPSG:{c}"))
        .unwrap_or_else(|| working.to_wkt().unwrap_or_default());

    let progress = ProgressBar::new(opened.len() as u64).with_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {} [{{pos}}/{{len}}]",
            t!("progress.reading")
        ))
        .expect("valid progress template"),
    );
    // Layers are read and built in parallel, one GDAL dataset per thread.
    let project = &workspace.project;
    let built: Vec<Result<BuiltLayer>> = opened
        .into_par_iter()
        .zip(layer_bounds)
        .map(|(layer, bounds)| {
            let out = build_layer(&layer, bounds, &working_def, &project.corridor.main_stem);
            progress.inc(1);
            out
        })
        .collect();
    let mut layers = Layers::default();
    let mut reports = Vec::new();
    for b in built {
        let b = b?;
        gdal_warnings.extend(b.warnings.into_iter().map(|w| (b.report.layer, w)));
        layers.findings.extend(b.findings);
        match b.features {
            Features::Parks(f) => layers.parks = f,
            Features::Clusters(f) => layers.clusters = f,
            Features::Enterprises(f) => layers.enterprises = f,
            Features::Pipes(f) => layers.pipes = f,
            Features::Outfalls(f) => layers.outfalls = f,
            Features::Plants(f) => layers.plants = f,
            Features::Rivers(f) => layers.rivers = f,
            Features::Inspections(f) => layers.inspections = f,
            Features::Manholes(f) => layers.manholes = f,
            Features::Districts(f) => layers.districts = f,
        }
        layers
            .fields
            .insert(b.report.layer, b.report.fields.keys().copied().collect());
        reports.push(b.report);
    }
    progress.finish_and_clear();
    for (layer, message) in gdal_warnings {
        layers.findings.push(LoadFinding::new(
            layer,
            "(layer)",
            FindingKind::Gdal,
            crate::contract::LoadFault::Gdal(message),
            true,
        ));
    }
    layers.missing = LayerKind::ALL
        .into_iter()
        .filter(|k| !workspace.sources.contains_key(k))
        .collect();
    inspections_of_known_outfalls(&mut layers);
    pipe_table::draw(&mut layers);
    if !layers.rivers.is_empty() && !layers.rivers.iter().any(|r| r.main_stem) {
        // Say which fields the names could be in: this changes every deadline.
        if let Some(r) = reports.iter_mut().find(|r| r.layer == LayerKind::Rivers) {
            r.name_fields = inventory::text_fields(&r.source, &r.layer_name, r.encoding.clone())
                .unwrap_or_default();
        }
    }

    Ok(Loaded {
        origin: workspace.origin,
        project: workspace.project,
        working_crs: working_def,
        layers,
        reports,
    })
}

/// China's extent, lon/lat, with a margin.
const CHINA: [f64; 4] = [73.0, 3.0, 136.0, 54.0];

fn centre_in_china(b: &[f64; 4]) -> bool {
    let (lon, lat) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
    (CHINA[0]..=CHINA[2]).contains(&lon) && (CHINA[1]..=CHINA[3]).contains(&lat)
}

/// In a workspace with layers in China, a layer that lies elsewhere has a
/// wrong coordinate system (a Gauss–Krüger zone declared as another, GCJ-02 offsets
/// applied twice …): say so rather than find nothing near it.
fn check_all_in_china_or_none(opened: &[OpenedLayer], bounds: &[Option<[f64; 4]>]) -> Result<()> {
    let placed: Vec<(&OpenedLayer, &[f64; 4])> = opened
        .iter()
        .zip(bounds)
        .filter_map(|(l, b)| b.as_ref().map(|b| (l, b)))
        .collect();
    if !placed.iter().any(|(_, b)| centre_in_china(b)) {
        return Ok(());
    }
    if let Some((layer, b)) = placed.iter().find(|(_, b)| !centre_in_china(b)) {
        bail!(
            "{}",
            t!(
                "err.outside_china",
                place = layer.place(),
                w = format!("{:.3}", b[0]),
                e = format!("{:.3}", b[2]),
                s = format!("{:.3}", b[1]),
                n = format!("{:.3}", b[3]),
                crs = layer.crs_name(),
                layer = layer.source.kind.name()
            )
        );
    }
    Ok(())
}

/// One layer's features as domain types.
enum Features {
    Parks(Vec<crate::model::Park>),
    Clusters(Vec<crate::model::Cluster>),
    Enterprises(Vec<crate::model::Enterprise>),
    Pipes(Vec<crate::model::Pipe>),
    Outfalls(Vec<crate::model::Outfall>),
    Plants(Vec<crate::model::Plant>),
    Rivers(Vec<crate::model::River>),
    Inspections(Vec<crate::model::Inspection>),
    Manholes(Vec<crate::model::Manhole>),
    Districts(Vec<crate::model::District>),
}

/// A layer read and built: its report, features, findings and GDAL's warnings.
struct BuiltLayer {
    report: LayerReport,
    features: Features,
    findings: Vec<LoadFinding>,
    warnings: Vec<String>,
}

/// Read one layer into the working CRS (`working` as a definition: each thread makes
/// its own spatial reference) and build its domain features, run by run as it is read.
fn build_layer(
    layer: &OpenedLayer,
    bounds: Option<[f64; 4]>,
    working: &str,
    main_stem: &[String],
) -> Result<BuiltLayer> {
    let kind = layer.source.kind;
    let config = &layer.source.config;
    let scale = |field: &str| config.scale.get(field).copied();
    let scale = &scale;
    let at = (layer, bounds, working);
    let (report, features, warnings) = match kind {
        LayerKind::Parks => read_and_build(at, &|b, r| b.park(r))?.map(Features::Parks),
        LayerKind::Clusters => read_and_build(at, &|b, r| b.cluster(r))?.map(Features::Clusters),
        LayerKind::Enterprises => {
            read_and_build(at, &|b, r| b.enterprise(r, scale))?.map(Features::Enterprises)
        }
        LayerKind::Pipes => {
            let table = !layer.has_geometry();
            read_and_build(at, &|b, r| b.pipes(r, scale, table))?.map(Features::Pipes)
        }
        LayerKind::Manholes => {
            read_and_build(at, &|b, r| b.manhole(r, scale))?.map(Features::Manholes)
        }
        LayerKind::Districts => read_and_build(at, &|b, r| b.district(r))?.map(Features::Districts),
        LayerKind::Outfalls => read_and_build(at, &|b, r| b.outfalls(r))?.map(Features::Outfalls),
        LayerKind::Plants => read_and_build(at, &|b, r| b.plant(r, scale))?.map(Features::Plants),
        LayerKind::Rivers => {
            read_and_build(at, &|b, r| b.river(r, main_stem))?.map(Features::Rivers)
        }
        LayerKind::Inspections => {
            let table = TABLE_DRIVERS.contains(&layer.driver());
            read_and_build(at, &|b, r| {
                let fid = r.fid.unwrap_or(0);
                // A spreadsheet's row number: its header is row 1.
                let row = if table {
                    format!("row {}", fid + 1)
                } else {
                    format!("fid:{fid}")
                };
                b.inspection(r, row)
            })?
            .map(Features::Inspections)
        }
    };
    let Built { features, findings } = features;
    Ok(BuiltLayer {
        report,
        features,
        findings,
        warnings,
    })
}

/// A layer read and built: its report, its features, GDAL's warnings.
struct ReadAndBuilt<T> {
    report: LayerReport,
    built: Built<T>,
    warnings: Vec<String>,
}

impl<T> ReadAndBuilt<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> (LayerReport, Built<U>, Vec<String>) {
        (self.report, self.built.map(f), self.warnings)
    }
}

/// Read `layer` and build each run of its features with `build` as soon as it is read.
fn read_and_build<T: Send, I: IntoIterator<Item = T>>(
    (layer, bounds, working): (&OpenedLayer, Option<[f64; 4]>, &str),
    build: &(dyn Fn(&mut Builder, &mut RawFeature) -> I + Sync),
) -> Result<ReadAndBuilt<Vec<T>>> {
    let kind = layer.source.kind;
    let (read, warnings) = crate::timing::phase(format!("load: {}", kind.name()), || {
        gdal_messages::capture(|| {
            layer.read_runs(working, bounds, |raws| build_run(kind, raws, build))
        })
    });
    let (report, runs) = read?;
    let built = crate::timing::phase(format!("load: merge {}", kind.name()), || {
        merge_runs(kind, report.feature_count, runs)
    });
    Ok(ReadAndBuilt {
        report,
        built,
        warnings,
    })
}

/// Drivers of plain tables, whose features are rows a user counts from the header.
const TABLE_DRIVERS: &[&str] = &["CSV", "XLSX", "XLS", "ODS"];

/// Drop inspections that name no outfall of the workspace, each reported with its row. An
/// inspection of `YS1` applies to the parts `YS1#1`, `YS1#2` of a multi-point outfall.
fn inspections_of_known_outfalls(layers: &mut Layers) {
    let ids: std::collections::HashSet<&str> = layers
        .outfalls
        .iter()
        .flat_map(|o| [o.id.as_str(), o.id.split('#').next().unwrap_or("")])
        .collect();
    let mut unknown = Vec::new();
    layers.inspections.retain(|i| {
        let known = ids.contains(i.outfall_id.as_str());
        if !known {
            unknown.push(LoadFinding::new(
                LayerKind::Inspections,
                &i.row,
                FindingKind::Value,
                crate::contract::LoadFault::InspectionOfUnknownOutfall {
                    outfall: i.outfall_id.clone(),
                },
                false,
            ));
        }
        known
    });
    layers.findings.extend(unknown);
}

/// Features built, with their findings.
struct Built<T> {
    features: T,
    findings: Vec<LoadFinding>,
}

impl<T> Built<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Built<U> {
        Built {
            features: f(self.features),
            findings: self.findings,
        }
    }
}

/// One run of a layer's features built: its features, its findings, and the ids it gave
/// out (with the number of findings before each).
type Run<T> = (Vec<T>, Vec<LoadFinding>, Vec<(String, usize)>);

/// Build one run of raw features, taking what each holds rather than copying it.
fn build_run<T, I: IntoIterator<Item = T>>(
    kind: LayerKind,
    raws: Vec<RawFeature>,
    build: &(dyn Fn(&mut Builder, &mut RawFeature) -> I + Sync),
) -> Run<T> {
    let mut findings = Vec::new();
    let mut b = Builder::new(kind, &mut findings);
    let features: Vec<T> = raws
        .into_iter()
        .flat_map(|mut r| build(&mut b, &mut r))
        .collect();
    let ids = b.take_ids();
    (features, findings, ids)
}

/// A layer's runs, built on any cores, joined in order. The features and the findings come
/// out in the order building them one by one gives: duplicate ids are found across the
/// runs here, and reported where the second use was.
fn merge_runs<T: Send>(kind: LayerKind, features: usize, runs: Vec<Run<T>>) -> Built<Vec<T>> {
    let (runs, rest): (Vec<Vec<T>>, Vec<_>) = runs
        .into_iter()
        .map(|(features, findings, ids)| (features, (findings, ids)))
        .unzip();
    let (run_findings, ids): (Vec<_>, Vec<_>) = rest.into_iter().unzip();
    let second = domain::second_uses(&ids);
    let mut findings = Vec::new();
    for ((run, ids), second) in run_findings.into_iter().zip(&ids).zip(second) {
        // Each run's findings, with a duplicate's where its second use was.
        let mut run = run.into_iter().enumerate().peekable();
        for ((id, before), second) in ids.iter().zip(second) {
            while let Some((_, f)) = run.next_if(|(i, _)| i < before) {
                findings.push(f);
            }
            if second {
                findings.push(domain::duplicate(kind, id));
            }
        }
        findings.extend(run.map(|(_, f)| f));
    }
    Built {
        features: concat(runs, features),
        findings,
    }
}

/// The runs one after another in one vector, moved into it on every core: two million
/// pipes are a quarter of a gigabyte, and copying them into fresh memory on one core was
/// 0.6 s at national scale.
fn concat<T: Send>(runs: Vec<Vec<T>>, capacity: usize) -> Vec<T> {
    let total: usize = runs.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(capacity.max(total));
    let mut spare = &mut out.spare_capacity_mut()[..total];
    let mut moves = Vec::with_capacity(runs.len());
    for run in runs {
        let (slots, rest) = spare.split_at_mut(run.len());
        moves.push((slots, run));
        spare = rest;
    }
    moves.into_par_iter().for_each(|(slots, run)| {
        for (slot, item) in slots.iter_mut().zip(run) {
            slot.write(item);
        }
    });
    // SAFETY: the first `total` slots were split into one slice per run, each exactly as
    // long as its run, and every item of every run was written into its slot above (a
    // panic there ends before this line, leaking the items written, never reading them).
    unsafe { out.set_len(total) };
    out
}

fn union(a: Option<[f64; 4]>, b: Option<[f64; 4]>) -> Option<[f64; 4]> {
    match (a, b) {
        (Some(a), Some(b)) => Some([
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Geometry;

    fn raw(fid: u64, id: Option<&str>, kind: &str, x: f64) -> RawFeature {
        let mut values = litemap::LiteMap::new();
        if let Some(id) = id {
            values.insert("pipe_id", id.to_string());
        }
        values.insert("kind", kind.to_string());
        RawFeature {
            fid: Some(fid),
            values,
            numbers: litemap::LiteMap::new(),
            names: Vec::new(),
            geom: Ok(Geometry::LineString(vec![(x, 0.0), (x + 10.0, 0.0)].into())),
        }
    }

    fn summary(built: &Built<Vec<crate::model::Pipe>>) -> (Vec<String>, Vec<String>) {
        (
            built.features.iter().map(|p| p.id.clone()).collect(),
            built
                .findings
                .iter()
                .map(|f| format!("{:?} {} {}", f.kind, f.feature_id, f.message()))
                .collect(),
        )
    }

    #[test]
    fn runs_are_joined_in_order_with_empty_runs_and_spare_capacity() {
        let runs: Vec<Vec<String>> = vec![
            vec!["a".into(), "b".into()],
            vec![],
            (0..1000).map(|i| i.to_string()).collect(),
            vec!["z".into()],
        ];
        let expected: Vec<String> = runs.iter().flatten().cloned().collect();
        let joined = concat(runs, 5000);
        assert_eq!(joined, expected);
        assert!(joined.capacity() >= 5000);
        assert!(concat(Vec::<Vec<String>>::new(), 0).is_empty());
    }

    #[test]
    fn building_in_runs_of_two_gives_the_features_and_findings_of_one_run() {
        // Duplicates within a run and across runs, a third use, a missing id (found by
        // position) used twice, and a bad kind between them.
        let raws = vec![
            raw(1, Some("a"), "sewage", 0.0),
            raw(2, Some("b"), "storm", 20.0),
            raw(3, Some("a"), "sewage", 40.0),
            raw(4, None, "sewage", 60.0),
            raw(5, Some("b"), "lava", 80.0),
            raw(6, None, "sewage", 60.0),
            raw(7, Some("a"), "storm", 100.0),
            raw(8, Some("c"), "sewage", 120.0),
        ];
        let pipes = |b: &mut Builder, r: &mut RawFeature| b.pipes(r, &|_| None, false);
        let build_in_runs = |kind, raws: &[RawFeature], run_len: usize, build| {
            let runs = raws
                .chunks(run_len)
                .map(|run| build_run(kind, run.to_vec(), build))
                .collect();
            merge_runs(kind, raws.len(), runs)
        };
        let one = build_in_runs(LayerKind::Pipes, &raws, usize::MAX, &pipes);
        let (ids, findings) = summary(&one);
        assert_eq!(ids, ["a", "b", "a", "@60.0,0.0", "@60.0,0.0", "a", "c"]);
        let duplicates: Vec<&String> = findings
            .iter()
            .filter(|f| f.starts_with("DuplicateId"))
            .collect();
        assert_eq!(duplicates.len(), 3, "{findings:#?}");
        for run_len in [1, 2, 3] {
            let runs = build_in_runs(LayerKind::Pipes, &raws, run_len, &pipes);
            assert_eq!(
                summary(&runs),
                (ids.clone(), findings.clone()),
                "runs of {run_len}"
            );
        }
    }
}
