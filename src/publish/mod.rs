//! Turn an analysis into the files of docs/outputs.md: `clusters.geojson`, `problems.geojson`,
//! `outfalls.geojson` and `summary.json`. The properties of each layer are assembled in
//! `layers`; this module decides where files go and never touches the workspace.

/// RFC 7946 GeoJSON writing.
pub mod geojson;
/// `results.gpkg` with every layer and its default QGIS style.
pub mod gpkg;
/// Properties of the result layers, from the analysis.
pub mod layers;
/// PNG overview maps, one per cluster.
pub mod overview;
/// The ledger's progress workbook.
pub mod progress;
/// `zdz.qgs`, the QGIS project over `results.gpkg`.
pub mod qgis;
/// The spot check's sheet to fill in on site.
pub mod spotcheck;
/// All-or-nothing output folders: written beside, swapped in whole.
pub mod staging;
/// `summary.json`: counts per code, deadline and cluster, and the run's parameters.
pub mod summary;
/// `survey.xlsx`, the "源、网、厂" survey workbook.
pub mod survey;

/// Above this many clusters, overview maps are not drawn unless asked for.
pub const MAX_AUTO_MAPS: usize = 500;

use rust_i18n::t;
use std::path::Path;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::crs;
use crate::load::Loaded;
use crate::outcome::Outcome;

/// The GeoJSON result layers, each written with a `.qml` and `.sld` of the same name.
pub const GEOJSON_LAYERS: [&str; 3] = ["clusters", "problems", "outfalls"];

/// The enterprises layer's name.
const ENTERPRISES: &str = "enterprises";

pub use crate::atomic::{write_atomically, write_atomically_with};

/// Refuse an output folder that holds a layer of the workspace: zdz never writes into the
/// workspace, with or without `--force`.
pub fn refuse_workspace_folder(out: &Path, loaded: &Loaded) -> Result<()> {
    let Some(out) = out.canonicalize().ok() else {
        return Ok(());
    };
    for report in &loaded.reports {
        let source = Path::new(&report.source);
        let folder = if source.is_dir() {
            Some(source)
        } else {
            source.parent()
        };
        if let Some(folder) = folder.and_then(|f| f.canonicalize().ok())
            && folder == out
        {
            bail!(
                "{}",
                t!(
                    "err.out_is_workspace",
                    out = out.display(),
                    layer = report.layer.name(),
                    source = report.source
                )
            );
        }
    }
    Ok(())
}

/// Start `results.gpkg` in `out` with the layers that come from the workspace alone
/// (pipes, plants, parks, rivers, the Yangtze band): they need no analysis, so they are
/// written while it runs.
pub fn start_gpkg(out: &Path, loaded: &Loaded) -> Result<gpkg::Writer> {
    let styles = crate::styles::model::styles(&loaded.project.deadlines);
    let mut writer = gpkg::Writer::create(&out.join("results.gpkg"), &loaded.working_crs)?;
    for style in &styles {
        let features = match style.layer {
            "pipes" => {
                writer.add_table(style, || layers::pipe_table(loaded))?;
                continue;
            }
            "yangtze_band" => layers::yangtze_band(loaded)?,
            name => match layers::from_workspace(name, loaded) {
                Some(features) => features,
                None => continue,
            },
        };
        writer.add(&gpkg::OutLayer { style, features })?;
    }
    Ok(writer)
}

/// The outputs written only when asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// A PNG overview per cluster.
    pub maps: bool,
    /// A workbook per in-scope cluster in `survey/` (`survey::write_per_cluster`).
    pub survey_per_cluster: bool,
}

/// Write every output file of docs/outputs.md into `out`. `gpkg` hands over the GeoPackage with
/// the workspace's layers in it (`start_gpkg`), waiting for them if need be: the other
/// files are written meanwhile. `started` is when writing began (the analysis ended), for
/// the `write_ms` in summary.json. The analysis layers' features are handed back: freeing
/// them one by one takes 0.3 s at national scale, which a process about to end can skip.
pub fn write_all(
    out: &Path,
    o: Outcome,
    timings: &summary::Timings,
    Extras {
        maps,
        survey_per_cluster,
    }: Extras,
    (gpkg, started): (
        impl FnOnce() -> Result<gpkg::Writer> + Send,
        std::time::Instant,
    ),
) -> Result<Vec<Vec<geojson::OutFeature>>> {
    let (loaded, analysis) = (o.loaded, o.analysis);
    let working_wkt = crs::spatial_ref(&loaded.working_crs)?.to_wkt()?;
    let wgs84_wkt = crs::wgs84().to_wkt()?;
    let styles = crate::styles::model::styles(&loaded.project.deadlines);
    // The GeoPackage's analysis layers, built once: the GeoJSON files are written from
    // the same features (the band, like every workspace layer, went into the GeoPackage
    // in `start_gpkg`). The enterprises, half a million at national scale, go into the
    // GeoPackage as typed rows instead (`layers::enterprise_table`).
    let gpkg_layers: Vec<gpkg::OutLayer> = crate::timing::phase("write: layer properties", || {
        styles
            .par_iter()
            .filter(|s| !layers::is_from_workspace(s.layer) && s.layer != ENTERPRISES)
            .map(|s| gpkg::OutLayer {
                style: s,
                features: layers::by_name(s.layer, o).unwrap_or_default(),
            })
            .collect()
    });
    let enterprises_style = styles.iter().find(|s| s.layer == ENTERPRISES);
    let present: Vec<&crate::styles::model::LayerStyle> = styles
        .iter()
        .filter(|s| {
            layers::has_workspace_features(s.layer, loaded)
                || (s.layer == ENTERPRISES && !loaded.layers.enterprises.is_empty())
                || gpkg_layers
                    .iter()
                    .any(|l| l.style.layer == s.layer && !l.features.is_empty())
        })
        .collect();
    let all_styles: Vec<&crate::styles::model::LayerStyle> = styles.iter().collect();

    // The GeoPackage's analysis layers on one core (once its workspace layers are in),
    // the GeoJSON, project, readiness.json, workbook and maps on the other. The
    // GeoPackage's side is the longer (national: its rows end about a second after the
    // workbook), so what can go to the other side does.
    let (gpkg_written, others) = rayon::join(
        || -> Result<()> {
            let mut gpkg = crate::timing::phase("write: waiting for results.gpkg", gpkg)?;
            for layer in &gpkg_layers {
                gpkg.add(layer)?;
            }
            if let Some(style) = enterprises_style {
                gpkg.add_table(style, || layers::enterprise_table(loaded, analysis))?;
            }
            gpkg.finish(&all_styles)
        },
        || -> Result<Option<Vec<(String, String, f64)>>> {
            crate::timing::phase("write: GeoJSON", || {
                write_geojson_layers(out, &gpkg_layers, &loaded.working_crs)
            })?;
            let title = loaded
                .project
                .info
                .name
                .clone()
                .unwrap_or_else(|| "zdz 污水零直排区".into());
            let project = qgis::project(&present, &loaded.working_crs, &working_wkt, &title);
            write_atomically(&out.join("zdz.qgs"), project.as_bytes())?;
            // Live layers from `zdz serve` at its default address (the service also serves
            // its own at /zdz.qlr, with the address it was reached at).
            let served: Vec<&crate::styles::model::LayerStyle> = present
                .iter()
                .copied()
                .filter(|s| s.layer != "yangtze_band")
                .collect();
            let qlr = qgis::live_layers(&served, "http://127.0.0.1:8080", &wgs84_wkt);
            write_atomically(&out.join("live.qlr"), qlr.as_bytes())?;
            crate::timing::phase("write: readiness.json", || write_readiness(out, o))?;
            let sheets = crate::timing::phase("write: survey rows", || {
                survey::sheets(o, survey::Scope::All)
            });
            crate::timing::phase("write: survey.xlsx", || {
                survey::write(&out.join("survey.xlsx"), sheets)
            })?;
            if survey_per_cluster {
                crate::timing::phase("write: survey/<cluster>.xlsx", || {
                    survey::write_per_cluster(&out.join("survey"), o)
                })?;
            }
            maps.then(|| overview::write(&out.join("overview"), o))
                .transpose()
        },
    );
    gpkg_written?;
    let drawn = others?;

    let mut summary = crate::timing::phase("write: summary", || summary::summary(o, timings));
    match drawn {
        Some(drawn) => {
            summary["overviews"] = drawn
                .into_iter()
                .map(|(id, file, bar)| {
                    let entry = serde_json::json!({ "png": format!("overview/{file}"), "scale_bar_m": bar });
                    (id, entry)
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
        None => summary["notes"]
            .as_array_mut()
            .expect("notes is a list")
            .push(
                format!(
                    "overview maps not drawn ({} clusters; --maps draws them)",
                    loaded.layers.clusters.len()
                )
                .into(),
            ),
    }
    // summary.json is written last: it records how long the other files took.
    summary["timings_ms"]["write_ms"] = (started.elapsed().as_millis() as u64).into();
    write_atomically(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    Ok(gpkg_layers.into_iter().map(|l| l.features).collect())
}

/// `readiness.json`: the rubric and every cluster's readiness.
fn write_readiness(out: &Path, o: Outcome) -> Result<()> {
    let (loaded, analysis) = (o.loaded, o.analysis);
    let ids: Vec<&str> = loaded
        .layers
        .clusters
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let deadlines: Vec<&str> = analysis
        .clusters
        .iter()
        .map(|c| c.deadline.as_str())
        .collect();
    write_atomically_with(&out.join("readiness.json"), |w| {
        crate::readiness::json::write_document(w, &ids, &deadlines, o.readiness)
    })
}

/// The GeoJSON result layers, each with its `.qml` (same base name: QGIS applies it when it
/// opens the file) and `.sld`.
fn write_geojson_layers(out: &Path, built: &[gpkg::OutLayer], working_crs: &str) -> Result<()> {
    let to_wgs84 = crs::transform(&crs::spatial_ref(working_crs)?, &crs::wgs84())?;
    for layer in GEOJSON_LAYERS {
        let built = built
            .iter()
            .find(|l| l.style.layer == layer)
            .expect("every GeoJSON layer is an analysis layer");
        geojson::write(
            &out.join(format!("{layer}.geojson")),
            &built.features,
            &to_wgs84,
        )?;
        write_atomically(
            &out.join(format!("{layer}.qml")),
            crate::styles::qml::qml(built.style).as_bytes(),
        )?;
        write_atomically(
            &out.join(format!("{layer}.sld")),
            crate::styles::sld::sld(built.style).as_bytes(),
        )?;
    }
    Ok(())
}
