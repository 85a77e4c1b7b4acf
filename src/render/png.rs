//! SVG to PNG with resvg, text in the system's fonts (fonts-noto-cjk for the Chinese),
//! loaded once per process.

use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use resvg::{tiny_skia, usvg};

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        db.set_sans_serif_family("Noto Sans CJK SC");
        Arc::new(db)
    })
    .clone()
}

/// Render an SVG document to PNG bytes at its own size.
pub fn png(svg: &str) -> Result<Vec<u8>> {
    let options = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).context("the map's SVG does not parse")?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).context("cannot allocate the image")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().context("cannot encode the PNG")
}
