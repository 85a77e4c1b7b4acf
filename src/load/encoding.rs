//! The text encoding of a Shapefile's .dbf and of a text table (CSV). A .cpg beside a .dbf
//! is honoured by GDAL; without one, GDAL 3.6 assumes ISO-8859-1 and turns GBK text into
//! mojibake. Chinese data almost never ships a .cpg, so zdz looks at the bytes: field names
//! and a sample of records that are not valid UTF-8 are read as GB18030 (a superset of GBK
//! and GB2312). A CSV follows the same rule (Excel's "CSV (逗号分隔)" on a Chinese desktop
//! writes GBK; its "CSV UTF-8" writes UTF-8 with a BOM); GDAL's CSV driver reads bytes as
//! UTF-8 only, so a table in another encoding is handed to it as a UTF-8 copy in memory.

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

/// The encoding of a text table (CSV) that declares none: `UTF-8` when its bytes are valid
/// UTF-8 (with or without a BOM) and not plain ASCII, `GB18030` when they are not UTF-8,
/// nothing for plain ASCII.
pub fn text_table_encoding(path: &Path) -> Result<Option<String>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(SAMPLE as u64).read_to_end(&mut bytes))
        .with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(match text_of(&bytes, bytes.len() == SAMPLE) {
        Text::Ascii => None,
        Text::Utf8 => Some("UTF-8".to_string()),
        Text::Other => Some("GB18030".to_string()),
    })
}

/// What `bytes` hold; `cut` when they are the start of a longer file (a character cut at
/// the end is not bad text).
fn text_of(bytes: &[u8], cut: bool) -> Text {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.is_ascii() => Text::Ascii,
        Ok(_) => Text::Utf8,
        Err(e) if cut && e.error_len().is_none() => Text::Utf8,
        Err(_) => Text::Other,
    }
}

/// The path GDAL should read a text table at, given its encoding: the table itself when it
/// is UTF-8, else a UTF-8 copy in GDAL's memory under the same file name, with its `.prj`
/// and `.csvt` beside it. The copy is named by a hash of the bytes, so a changed file
/// (`serve --watch`) gets a new one and every thread of a run reads the same.
pub fn utf8_copy(path: &Path, encoding: &str) -> Result<String> {
    let own = path.to_string_lossy().into_owned();
    if encoding.eq_ignore_ascii_case("UTF-8") || encoding.eq_ignore_ascii_case("UTF8") {
        return Ok(own);
    }
    let Some(decoder) = encoding_rs::Encoding::for_label(encoding.as_bytes()) else {
        anyhow::bail!("{own}: unknown encoding {encoding}");
    };
    let bytes = std::fs::read(path).with_context(|| format!("{own}: cannot read"))?;
    let (text, _, _) = decoder.decode(&bytes);
    let key = sha1_smol::Sha1::from(&bytes).digest().to_string();
    let dir = format!("/vsimem/zdz/utf8/{key}");
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let copy = format!("{dir}/{name}");
    static MADE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if !made.contains(&copy) {
        gdal::vsi::create_mem_file(&copy, text.into_owned().into_bytes())?;
        for ext in ["prj", "csvt"] {
            let side = path.with_extension(ext);
            if let Ok(b) = std::fs::read(&side) {
                let side_name = side.file_name().unwrap_or_default().to_string_lossy();
                gdal::vsi::create_mem_file(format!("{dir}/{side_name}"), b)?;
            }
        }
        made.push(copy.clone());
    }
    Ok(copy)
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

    #[test]
    fn a_gbk_csv_is_gb18030_and_a_utf8_one_with_or_without_bom_is_utf8() {
        let gbk: &[u8] = b"\xc5\xc5\xbf\xda\xb1\xe0\xba\xc5,\xc8\xd5\xc6\xda\r\nYS1,2026-05-01\r\n";
        assert_eq!(text_of(gbk, false), Text::Other);
        assert_eq!(text_of("排口编号,日期\n".as_bytes(), false), Text::Utf8);
        assert_eq!(
            text_of("\u{feff}排口编号,日期\n".as_bytes(), false),
            Text::Utf8
        );
        assert_eq!(text_of(b"outfall_id,date\n", false), Text::Ascii);
        // A sample that ends inside a character is still UTF-8.
        let cut = &"排口".as_bytes()[..4];
        assert_eq!(text_of(cut, true), Text::Utf8);
        assert_eq!(text_of(cut, false), Text::Other);
    }

    fn public_data(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(path)
    }

    #[test]
    fn gbk_dbf_without_cpg_is_read_as_gb18030() {
        let shp = public_data("encodings/chongqing_districts_gbk/cq_districts_gbk.shp");
        assert_eq!(
            shapefile_encoding(&shp).unwrap().as_deref(),
            Some("GB18030")
        );
    }

    #[test]
    fn utf8_dbf_without_cpg_is_read_as_utf8() {
        let shp = public_data("districts/chongqing_districts_gcj02.shp");
        assert_eq!(shapefile_encoding(&shp).unwrap().as_deref(), Some("UTF-8"));
    }
}
