//! Styles for zdz's outputs, all generated from one rule model: QGIS `.qml` (embedded in
//! `results.gpkg`, beside each GeoJSON, and in the project file) and SLD for GeoServer.
//! `zdz styles` writes them into `styles/`, where they are kept as source files; a test
//! checks that the committed files are what the model generates.

/// The web map's MapLibre style.
pub mod maplibre;
/// The rule model: layers, fields, categories, colours, labels.
pub mod model;
/// QGIS `.qml`.
pub mod qml;
/// OGC SLD 1.0.0.
pub mod sld;

use std::path::Path;

use anyhow::{Context, Result};

use crate::project::DeadlineRule;

/// Write `<layer>.qml` and `<layer>.sld` for every output layer into `dir`.
pub fn write_all(dir: &Path, schedule: &[DeadlineRule]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for style in model::styles(schedule) {
        crate::atomic::write_atomically(
            &dir.join(format!("{}.qml", style.layer)),
            qml::qml(&style).as_bytes(),
        )?;
        crate::atomic::write_atomically(
            &dir.join(format!("{}.sld", style.layer)),
            sld::sld(&style).as_bytes(),
        )?;
    }
    Ok(())
}
