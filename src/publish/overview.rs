//! A PNG overview map per cluster: the cluster's map drawn as SVG from the style model
//! (`render::map`: legend, Chinese labels, scale bar with its length, north arrow, the
//! CRS) and rasterised with resvg. For people who would rather look than read;
//! `summary.json` says which file shows which cluster and how long its scale bar is.

use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::outcome::Outcome;
use crate::render::map::MapIndex;

const SIZE: f64 = 900.0;

/// Draw every cluster's overview into `dir`: (cluster id, file name, scale bar metres).
pub fn write(dir: &Path, o: Outcome) -> Result<Vec<(String, String, f64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let maps = MapIndex::new(o, crate::contract::Lang::Zh);
    o.loaded
        .layers
        .clusters
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let drawn = maps.cluster(i, SIZE, SIZE);
            let file = format!("{}.png", sanitize(&c.id));
            super::write_atomically(&dir.join(&file), &crate::render::png::png(&drawn.svg)?)?;
            Ok((c.id.clone(), file, drawn.scale_m))
        })
        .collect()
}

/// A cluster id as a file name.
pub fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
