//! The text encoding of a Shapefile's .dbf. A .cpg beside it is honoured by GDAL; without
//! one, GDAL 3.6 assumes ISO-8859-1 and turns GBK text into mojibake. Chinese data almost
//! never ships a .cpg, so zdz looks at the bytes: field names and a sample of records that
//! are not valid UTF-8 are read as GB18030 (a superset of GBK and GB2312).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

/// How many bytes of records to sample.
const SAMPLE: usize = 1 << 20;

/// The encoding to open a Shapefile with when the .dbf beside `shp` has no .cpg:
/// `GB18030` when its text is not UTF-8, `UTF-8` when it is and is not plain ASCII.
pub fn shapefile_encoding(shp: &Path) -> Result<Option<String>> {
    let (cpg, dbf) = (shp.with_extension("cpg"), shp.with_extension("dbf"));
    let has = |p: &Path| {
        p.exists()
            || p.with_extension(p.extension().unwrap_or_default().to_ascii_uppercase())
                .exists()
    };
    if has(&cpg) || !dbf.exists() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&dbf)
        .and_then(|f| f.take((SAMPLE + 65_536) as u64).read_to_end(&mut bytes))
        .with_context(|| format!("{}: cannot read", dbf.display()))?;
    Ok(match dbf_text(&bytes) {
        Text::Ascii => None,
        Text::Utf8 => Some("UTF-8".to_string()),
        Text::Other => Some("GB18030".to_string()),
    })
}

#[derive(Debug, PartialEq)]
enum Text {
    Ascii,
    Utf8,
    Other,
}

/// What the field names and sampled records of a .dbf hold.
fn dbf_text(bytes: &[u8]) -> Text {
    if bytes.len() < 32 {
        return Text::Ascii;
    }
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let record_len = (u16::from_le_bytes([bytes[10], bytes[11]]) as usize).max(1);
    // Field descriptors: 32 bytes each from offset 32, name in the first 11, ended by 0x0D.
    let mut offset = 32;
    while offset + 32 <= bytes.len().min(header_len) && bytes[offset] != 0x0D {
        let name = &bytes[offset..offset + 11];
        let name = &name[..name.iter().position(|b| *b == 0).unwrap_or(11)];
        if std::str::from_utf8(name).is_err() {
            return Text::Other;
        }
        offset += 32;
    }
    let names = &bytes[32..offset];
    // Records one at a time, so a sample cut mid-character is not mistaken for bad text.
    let records = bytes.get(header_len..).unwrap_or(&[]);
    let sample = || records.chunks_exact(record_len).take(SAMPLE / record_len);
    if !sample().all(|r| std::str::from_utf8(r).is_ok()) {
        Text::Other
    } else if names.is_ascii() && sample().all(|r| r.is_ascii()) {
        Text::Ascii
    } else {
        Text::Utf8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data")
            .join(path)
    }

    #[test]
    fn gbk_dbf_without_cpg_is_read_as_gb18030() {
        let shp = shared("encodings/chongqing_districts_gbk/cq_districts_gbk.shp");
        assert_eq!(
            shapefile_encoding(&shp).unwrap().as_deref(),
            Some("GB18030")
        );
    }

    #[test]
    fn utf8_dbf_without_cpg_is_read_as_utf8() {
        let shp = shared("districts/chongqing_districts_gcj02.shp");
        assert_eq!(shapefile_encoding(&shp).unwrap().as_deref(), Some("UTF-8"));
    }
}
