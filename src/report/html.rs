//! A report as one self-contained HTML file: figures inline as SVG, a print stylesheet,
//! the desktop's own fonts, no request to anywhere. Every data text is escaped.

use super::doc::{Block, Document, Paper};

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// An inline SVG with its XML prologue removed, scaled to `width` of the text.
fn inline_svg(svg: &str, width: f64) -> String {
    let body = svg.trim_start_matches(|c| c != '<');
    let body = match body.find("<svg") {
        Some(i) => &body[i..],
        None => body,
    };
    format!(
        "<div class=\"fig\" style=\"width:{:.0}%\">{}</div>",
        width * 100.0,
        body.replacen("<svg ", "<svg style=\"width:100%;height:auto\" ", 1)
    )
}

pub fn html(doc: &Document) -> String {
    let page = match doc.paper {
        Paper::A4 => "A4",
        Paper::A5 => "A5",
    };
    let mut b = String::new();
    for block in &doc.blocks {
        match block {
            Block::Cover { title, lines } => {
                b += &format!("<section class=\"cover\"><h1>{}</h1>", esc(title));
                for l in lines {
                    b += &format!("<p>{}</p>", esc(l));
                }
                b += "</section>";
            }
            Block::Heading(level, text) => {
                let l = (*level + 1).min(6);
                b += &format!("<h{l}>{}</h{l}>", esc(text));
            }
            Block::Para(t) => b += &format!("<p>{}</p>", esc(t)),
            Block::Note(t) => b += &format!("<p class=\"note\">{}</p>", esc(t)),
            Block::KeyValues(kv) => {
                b += "<table class=\"kv\">";
                for (k, v) in kv {
                    b += &format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
                }
                b += "</table>";
            }
            Block::Table { headers, rows } => {
                b += "<table><thead><tr>";
                for h in headers {
                    b += &format!("<th>{}</th>", esc(h));
                }
                b += "</tr></thead><tbody>";
                for r in rows {
                    b += "<tr>";
                    for c in r {
                        b += &format!("<td>{}</td>", esc(c));
                    }
                    b += "</tr>";
                }
                b += "</tbody></table>";
            }
            Block::Figure {
                svg,
                width,
                caption,
            } => {
                b += &format!(
                    "<figure>{}<figcaption>{}</figcaption></figure>",
                    inline_svg(svg, *width),
                    esc(caption)
                );
            }
            Block::Checklist(items) => {
                b += "<ul class=\"check\">";
                for i in items {
                    b += &format!("<li>☐ {}</li>", esc(i));
                }
                b += "</ul>";
            }
            Block::Qr { svg, size_mm, text } => {
                b += &format!(
                    "<div class=\"qr\" style=\"width:{size_mm}mm\">{}</div><p class=\"qr-text\">{}</p>",
                    inline_svg(svg, 1.0),
                    esc(text)
                );
            }
            Block::PageBreak => b += "<div class=\"break\"></div>",
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<style>\
body{{font-family:\"Noto Serif CJK SC\",\"Noto Sans CJK SC\",\"Source Han Serif SC\",serif;max-width:190mm;margin:1cm auto;color:#222;font-size:10.5pt}}\
h1,h2,h3,h4{{font-family:\"Noto Sans CJK SC\",sans-serif}}\
.header{{text-align:right;color:#888;font-size:8pt}}\
.cover{{text-align:center;margin:4cm 0 2cm}} .cover h1{{font-size:22pt}} .cover p{{font-size:13pt}}\
table{{border-collapse:collapse;width:100%;margin:6px 0;font-size:9pt}} th,td{{border:1px solid #bbb;padding:3px 5px;text-align:left;vertical-align:top}}\
table.kv th{{width:30%;background:#f4f4f4}} thead th{{background:#eef3f7}}\
figure{{margin:8px 0;text-align:center}} .fig{{display:inline-block}} figcaption{{font-size:9pt;color:#555}}\
.note{{color:#777;font-size:8.5pt}} .check{{list-style:none;padding-left:0}}\
.qr{{margin:8px auto}} .qr-text{{text-align:center;font-size:9pt;word-break:break-all}}\
@media print{{body{{margin:0;max-width:none}} .break{{page-break-after:always}} @page{{size:{page};margin:18mm}}}}\
</style></head><body><p class=\"header\">{header}</p>{b}</body></html>\n",
        title = esc(&doc.title),
        header = esc(&doc.header),
        lang = doc.lang.pick("zh-CN", "en"),
    )
}
