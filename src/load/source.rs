//! Turn a workspace argument into one source per layer: a GeoPackage (or any multi-layer
//! GDAL dataset), a folder of layer files, a `zdz.toml` project file, or a PostgreSQL
//! connection string. Layers are found by canonical name or Chinese alias; a project file
//! maps any layer explicitly and the rest are found beside it.
//!
//! This module only decides where each layer is; `read` opens and reads it.

use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use crate::contract::LayerKind;
use crate::project::{LayerConfig, Project, is_connection_string};

/// Where one layer comes from.
#[derive(Debug, Clone)]
pub struct LayerSource {
    pub kind: LayerKind,
    /// Path or connection string GDAL opens.
    pub dataset: String,
    /// Layer name inside the dataset; `None` for a single-layer file.
    pub layer: Option<String>,
    pub config: LayerConfig,
}

/// A resolved workspace: the project settings and where each layer is.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub project: Project,
    pub sources: BTreeMap<LayerKind, LayerSource>,
    /// The argument as given, for messages.
    pub origin: String,
}

/// File extensions zdz looks at in a folder workspace.
const LAYER_EXTENSIONS: &[&str] = &[
    "shp", "geojson", "json", "fgb", "gpkg", "csv", "gml", "kml", "sqlite", "tab", "mif", "dxf",
    "xlsx", "xls", "ods", "dbf",
];

/// Resolve a workspace argument.
pub fn resolve(arg: &str) -> Result<Workspace> {
    if is_connection_string(arg) {
        let project = Project::defaults(Path::new("."));
        let sources = discover_in_dataset(arg)?;
        return Ok(Workspace {
            project,
            sources,
            origin: redact(arg),
        });
    }
    let path = Path::new(arg);
    if !path.exists() {
        bail!("{}", t!("err.no_such_path", path = arg));
    }
    let (project, discover_dir): (Project, Option<PathBuf>) = if path.is_dir() {
        let toml = path.join("zdz.toml");
        if toml.is_file() {
            (Project::from_file(&toml)?, Some(path.to_path_buf()))
        } else {
            (Project::defaults(path), Some(path.to_path_buf()))
        }
    } else if has_extension(path, "toml") {
        let project = Project::from_file(path)?;
        let dir = project.base_dir.clone();
        (project, Some(dir))
    } else {
        // A single dataset: a GeoPackage or anything else GDAL opens with several layers.
        let project = Project::defaults(path.parent().unwrap_or(Path::new(".")));
        let sources = discover_in_dataset(arg)?;
        return Ok(Workspace {
            project,
            sources,
            origin: arg.to_string(),
        });
    };

    let mut sources = BTreeMap::new();
    // A section without `source` says how to read a layer found beside the project file.
    let mut how_to_read = BTreeMap::new();
    for (kind, config) in &project.layers {
        if config.source.is_empty() {
            how_to_read.insert(*kind, config.clone());
            continue;
        }
        sources.insert(
            *kind,
            LayerSource {
                kind: *kind,
                dataset: project.resolve_source(&config.source),
                layer: config.layer.clone(),
                config: config.clone(),
            },
        );
    }
    if let Some(dir) = discover_dir {
        for (kind, mut found) in discover_in_folder(&dir)? {
            if let Some(config) = how_to_read.remove(&kind) {
                found.config = LayerConfig {
                    source: found.dataset.clone(),
                    ..config
                };
                if found.config.layer.is_some() {
                    found.layer = found.config.layer.clone();
                }
            }
            sources.entry(kind).or_insert(found);
        }
    }
    if let Some(kind) = how_to_read.keys().next() {
        bail!(
            "{}: [layers.{}] gives no `source`, and no file beside it is named {} ({})",
            arg,
            kind.name(),
            kind.name(),
            kind.aliases().join(", ")
        );
    }
    Ok(Workspace {
        project,
        sources,
        origin: arg.to_string(),
    })
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Hide a password in a connection string before it goes into a message or a file.
fn redact(conn: &str) -> String {
    conn.split_whitespace()
        .map(|part| {
            if part.to_ascii_lowercase().starts_with("password=") {
                "password=***"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn insert_unique(
    found: &mut BTreeMap<LayerKind, LayerSource>,
    source: LayerSource,
    where_: &str,
) -> Result<()> {
    if let Some(previous) = found.get(&source.kind) {
        let with_layer = |s: &LayerSource| match &s.layer {
            Some(l) => format!("{} (layer {l})", s.dataset),
            None => s.dataset.clone(),
        };
        bail!(
            "{}",
            t!(
                "err.two_sources",
                place = where_,
                layer = source.kind.name(),
                a = with_layer(previous),
                b = with_layer(&source)
            )
        );
    }
    found.insert(source.kind, source);
    Ok(())
}

/// Layers of one dataset whose names are layer names or aliases.
fn discover_in_dataset(dataset: &str) -> Result<BTreeMap<LayerKind, LayerSource>> {
    let flags = GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY;
    let options = DatasetOptions {
        open_flags: flags,
        ..Default::default()
    };
    let ds = Dataset::open_ex(dataset, options).with_context(|| {
        format!(
            "{}: GDAL cannot open it as a vector dataset",
            redact(dataset)
        )
    })?;
    let mut found = BTreeMap::new();
    for layer in ds.layers() {
        let name = gdal::vector::LayerAccess::name(&layer);
        // PostGIS layers may be schema-qualified: `public.pipes`.
        let short = name.rsplit('.').next().unwrap_or(&name);
        if let Some(kind) = LayerKind::from_name(short) {
            insert_unique(
                &mut found,
                LayerSource {
                    kind,
                    dataset: dataset.to_string(),
                    layer: Some(name.clone()),
                    config: LayerConfig::default(),
                },
                &redact(dataset),
            )?;
        }
    }
    Ok(found)
}

/// Layer files in a folder: a file whose stem is a layer name, or a multi-layer file
/// (GeoPackage …) whose layers are named so.
fn discover_in_folder(dir: &Path) -> Result<BTreeMap<LayerKind, LayerSource>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the folder", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && LAYER_EXTENSIONS.iter().any(|ext| has_extension(p, ext)))
        // A .dbf is a table of its own only without a Shapefile of the same name.
        .filter(|p| !has_extension(p, "dbf") || !p.with_extension("shp").is_file())
        .collect();
    entries.sort();
    let mut found = BTreeMap::new();
    let where_ = dir.display().to_string();
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let dataset = path.to_string_lossy().into_owned();
        if let Some(kind) = LayerKind::from_name(stem) {
            insert_unique(
                &mut found,
                LayerSource {
                    kind,
                    dataset,
                    layer: None,
                    config: LayerConfig::default(),
                },
                &where_,
            )?;
        } else if has_extension(&path, "gpkg") || has_extension(&path, "sqlite") {
            for (_, source) in discover_in_dataset(&dataset)? {
                insert_unique(&mut found, source, &where_)?;
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_connection_strings() {
        assert_eq!(
            redact("PG:host=127.0.0.1 dbname=zdz password=secret"),
            "PG:host=127.0.0.1 dbname=zdz password=***"
        );
    }
}
