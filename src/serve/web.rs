//! The web map (一张图): `GET /` for a browser and `/map` serve the page; its script,
//! stylesheet and MapLibre GL JS (vendored from npm at a pinned version, `web/vendor/`)
//! are embedded in the binary, so the page works on a network with no internet. API
//! clients asking `/` for JSON still get the OGC landing page.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::state::AppState;

const PAGE: &str = include_str!("../../web/map.html");
const SCRIPT: &str = include_str!("../../web/map.js");
const STYLE: &str = include_str!("../../web/map.css");
const PAGES_SCRIPT: &str = include_str!("../../web/pages.js");
const PAGES_STYLE: &str = include_str!("../../web/pages.css");
const MAPLIBRE: &str = include_str!("../../web/vendor/maplibre-gl/maplibre-gl.mjs");
const MAPLIBRE_WORKER: &str = include_str!("../../web/vendor/maplibre-gl/maplibre-gl-worker.mjs");
const MAPLIBRE_CSS: &str = include_str!("../../web/vendor/maplibre-gl/maplibre-gl.css");
const MAPLIBRE_LICENSE: &str = include_str!("../../web/vendor/maplibre-gl/LICENSE.txt");

/// Whether the client wants a page rather than JSON (a browser's `Accept`).
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = accept.find("text/html");
    let json = accept.find("application/json");
    match (html, json) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The page may load only from this server (and the basemap's host, when one is given).
fn csp(basemap: Option<&str>) -> String {
    let extra = basemap
        .and_then(|b| {
            let rest = b.split("://").nth(1)?;
            let host = rest.split('/').next()?;
            Some(format!(" {}://{host}", b.split("://").next()?))
        })
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:{extra}; connect-src 'self'{extra}; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    )
}

fn page_response(state: &AppState) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response();
    if let Ok(v) = HeaderValue::from_str(&csp(state.basemap.as_deref())) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// `GET /`: the map for a browser, the OGC landing page for everyone else.
pub async fn landing(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if wants_html(&headers) {
        return page_response(&state);
    }
    super::ogc::landing(headers).await.into_response()
}

/// `GET /map`
pub async fn page(State(state): State<Arc<AppState>>) -> Response {
    page_response(&state)
}

/// The files under `/map/`.
pub const ASSETS: [&str; 9] = [
    "map.js",
    "map.css",
    "pages.js",
    "pages.css",
    "vendor/maplibre-gl.mjs",
    "vendor/maplibre-gl-worker.mjs",
    "vendor/maplibre-gl.css",
    "vendor/LICENSE.txt",
    "labels.json",
];

/// `GET /map/{file}`: the page's script, stylesheet, labels and the vendored MapLibre.
pub async fn asset(Path(file): Path<String>) -> ApiResult<Response> {
    let (kind, body): (&str, &str) = match file.as_str() {
        "map.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "map.css" => ("text/css; charset=utf-8", STYLE),
        "pages.js" => ("text/javascript; charset=utf-8", PAGES_SCRIPT),
        "pages.css" => ("text/css; charset=utf-8", PAGES_STYLE),
        "vendor/maplibre-gl.mjs" => ("text/javascript; charset=utf-8", MAPLIBRE),
        "vendor/maplibre-gl-worker.mjs" => ("text/javascript; charset=utf-8", MAPLIBRE_WORKER),
        "vendor/maplibre-gl.css" => ("text/css; charset=utf-8", MAPLIBRE_CSS),
        "vendor/LICENSE.txt" => ("text/plain; charset=utf-8", MAPLIBRE_LICENSE),
        "labels.json" => return Ok(Json(labels()).into_response()),
        _ => return Err(ApiError::not_found(format!("no file `{file}` in the map"))),
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// "中文 English" split into its two parts.
fn split_label(label: &str) -> (String, String) {
    match label.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) if i > 0 => (label[..i].trim().to_string(), label[i..].trim().to_string()),
        _ => (label.to_string(), label.to_string()),
    }
}

/// The Chinese labels of fields and values the page shows, from the contract and the
/// style model (so they are spelt once).
pub fn labels() -> Value {
    use crate::contract::{LayerKind, ProblemCode};
    let mut fields = Map::new();
    for kind in LayerKind::ALL {
        for f in kind.fields() {
            if let Some(a) = f.aliases.first() {
                fields.entry(f.name.to_string()).or_insert(json!(a));
            }
        }
    }
    for (k, v) in [
        ("score", "得分"),
        ("ready", "是否达标"),
        ("veto", "否决"),
        ("readiness", "验收状态"),
        ("actions_to_ready", "距达标措施数"),
        ("unanswered_count", "待填报项"),
        ("deadline", "完成时限"),
        ("deadline_reason", "时限依据"),
        ("in_corridor", "长江沿线"),
        ("corridor_distance_m", "距长江干流(m)"),
        ("corridor_reason", "沿线依据"),
        ("problem_count", "问题数"),
        ("enterprise_count", "企业数"),
        ("park_name", "园区名称"),
        ("park_level", "园区级别"),
        ("status", "状态"),
        ("code", "问题代码"),
        ("label_zh", "问题类型"),
        ("label_en", "Problem"),
        ("severity", "严重程度"),
        ("detail", "说明"),
        ("distance_m", "距离(m)"),
        ("matched", "已接入管网"),
        ("matched_pipe_id", "接入管段"),
        ("match_distance_m", "匹配距离(m)"),
        ("upstream_pipe_count", "上游管段数"),
        ("upstream_enterprise_count", "上游企业数"),
        ("problem_codes", "问题代码"),
        ("cluster_by", "归属依据"),
        ("inspected_dry", "已晴天排查"),
        ("last_dry_inspection", "最近晴天排查"),
        ("last_sample", "最近采样"),
        ("covered", "管网覆盖"),
        ("drain_pipe_id", "接入管段"),
        ("load_rate", "负荷率"),
        ("load_class", "负荷"),
        ("main_stem", "长江干流"),
        ("layer", "图层"),
        ("feature_id", "对象编号"),
        ("recurrences", "反复次数"),
        ("due", "完成时限"),
        ("unit", "责任单位"),
        ("campaign_status", "建设进度"),
        ("demo_candidate", "示范备选"),
        ("demo_target_date", "示范整治节点"),
        ("flow_basis", "流向依据"),
        ("reversed", "与提交方向相反"),
    ] {
        fields.insert(k.into(), json!(v));
    }
    for code in ProblemCode::ALL {
        fields.insert(code.as_str().into(), json!(code.label_zh()));
    }
    let mut values = Map::new();
    use crate::contract::{Vocabulary as V, words::word};
    let worded = crate::model::OutfallKind::ALL
        .iter()
        .map(|k| ("outfalls.kind", V::OutfallKind, k.as_str()))
        .chain(
            [
                crate::contract::Severity::High,
                crate::contract::Severity::Medium,
                crate::contract::Severity::Low,
            ]
            .iter()
            .map(|s| ("severity", V::Severity, s.as_str())),
        )
        .chain(
            [
                crate::model::FlowBasis::Levels,
                crate::model::FlowBasis::Recorded,
            ]
            .iter()
            .map(|b| ("flow_basis", V::FlowBasis, b.as_str())),
        );
    for (key, vocabulary, value) in worded {
        if let Some(w) = word(vocabulary, value) {
            values.insert(format!("{key}:{value}"), json!({ "zh": w.zh, "en": w.en }));
        }
    }
    for code in ProblemCode::ALL {
        values.insert(
            format!("code:{}", code.as_str()),
            json!({ "zh": code.label_zh(), "en": code.label_en() }),
        );
    }
    let schedule = crate::project::Project::defaults(std::path::Path::new(".")).deadlines;
    for style in crate::styles::model::styles(&schedule) {
        if let crate::styles::model::Renderer::Categorized { field, categories } = &style.renderer {
            for c in categories {
                let (zh, en) = (&c.zh, &c.en);
                // By layer (pipes' and outfalls' `kind` differ), and by field alone.
                values.insert(
                    format!("{}.{field}:{}", style.layer, c.value),
                    json!({ "zh": zh, "en": en }),
                );
                values
                    .entry(format!("{field}:{}", c.value))
                    .or_insert(json!({ "zh": zh, "en": en }));
            }
        }
        if let Some(o) = &style.outline {
            for c in &o.categories {
                let (zh, en) = (&c.zh, &c.en);
                values.insert(
                    format!("{}:{}", o.field, c.value),
                    json!({ "zh": zh, "en": en }),
                );
            }
        }
        let (zh, en) = split_label(style.title);
        values.insert(
            format!("layer:{}", style.layer),
            json!({ "zh": zh, "en": en }),
        );
    }
    for s in crate::contract::CampaignStatus::ALL {
        values.insert(
            format!("campaign_status:{}", s.as_str()),
            json!({ "zh": s.label_zh(), "en": s.label_en() }),
        );
    }
    for s in crate::ledger::status::Status::ALL {
        values.insert(
            format!("status:{}", s.as_str()),
            json!({ "zh": s.zh(), "en": s.as_str().replace('_', " ") }),
        );
    }
    json!({ "fields": fields, "values": values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_gets_the_page_and_an_api_client_json() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        assert!(wants_html(&h));
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert!(!wants_html(&h));
        assert!(!wants_html(&HeaderMap::new()));
    }

    #[test]
    fn labels_split_into_chinese_and_english() {
        assert_eq!(
            split_label("2025-12-31 前完成 due 2025-12-31"),
            (
                "2025-12-31 前完成".to_string(),
                "due 2025-12-31".to_string()
            )
        );
        assert_eq!(
            split_label("雨污混接 cross-connection"),
            ("雨污混接".to_string(), "cross-connection".to_string())
        );
    }
}
