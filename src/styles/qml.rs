//! QGIS layer styles (`.qml`, QGIS 3.22 format) from the rule model: a categorised (or
//! single) symbol renderer with Chinese/English category labels, flow arrows on lines, and
//! labels limited by scale.

use quick_xml::escape::escape;

use super::model::{LayerStyle, Renderer, Rgba, Shape};

fn rgba(c: Rgba) -> String {
    format!("{},{},{},{}", c[0], c[1], c[2], c[3])
}

fn options(pairs: &[(&str, String)]) -> String {
    let inner: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<Option name="{k}" type="QString" value="{}"/>"#,
                escape(v.as_str())
            )
        })
        .collect();
    format!(r#"<Option type="Map">{inner}</Option>"#)
}

/// One symbol (marker, line or fill) of `color`, named `name`; a polygon's outline in
/// `outline` (colour, width in mm) when given, else in its own colour.
pub fn symbol(style: &LayerStyle, name: &str, color: Rgba, outline: Option<(Rgba, f64)>) -> String {
    let dark = "35,35,35,255".to_string();
    match style.shape {
        Shape::Point => format!(
            r#"<symbol type="marker" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0">{}</layer></symbol>"#,
            options(&[
                ("name", style.marker.0.into()),
                ("color", rgba(color)),
                ("outline_color", dark),
                ("outline_width", format!("{}", style.width)),
                ("size", format!("{}", style.marker.1)),
                ("size_unit", "MM".into()),
            ])
        ),
        Shape::Line => {
            let line = format!(
                r#"<layer class="SimpleLine" enabled="1" pass="0" locked="0">{}</layer>"#,
                options(&[
                    ("line_color", rgba(color)),
                    ("line_width", format!("{}", style.width)),
                    ("line_width_unit", "MM".into()),
                    ("capstyle", "round".into()),
                    ("joinstyle", "round".into()),
                ])
            );
            // An arrowhead at the middle of each pipe, pointing the way it was digitised.
            let arrow = if style.arrows {
                format!(
                    r#"<layer class="MarkerLine" enabled="1" pass="0" locked="0">{}<symbol type="marker" name="@{name}@1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0">{}</layer></symbol></layer>"#,
                    options(&[
                        ("placements", "CentralPoint".into()),
                        ("placement", "centralpoint".into()),
                        ("rotate", "1".into())
                    ]),
                    options(&[
                        ("name", "filled_arrowhead".into()),
                        ("color", rgba(color)),
                        ("outline_style", "no".into()),
                        ("size", format!("{}", style.width * 5.0)),
                        ("size_unit", "MM".into()),
                    ])
                )
            } else {
                String::new()
            };
            format!(
                r#"<symbol type="line" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">{line}{arrow}</symbol>"#
            )
        }
        Shape::Polygon => {
            let mut fill = color;
            fill[3] = style.fill_alpha;
            format!(
                r#"<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0">{}</layer></symbol>"#,
                options(&[
                    ("color", rgba(fill)),
                    (
                        "style",
                        if style.fill_alpha == 0 { "no" } else { "solid" }.into()
                    ),
                    ("outline_color", rgba(outline.map_or(color, |o| o.0))),
                    (
                        "outline_width",
                        format!("{}", outline.map_or(style.width, |o| o.1))
                    ),
                    ("outline_width_unit", "MM".into()),
                ])
            )
        }
    }
}

/// The `<renderer-v2>` element.
pub fn renderer(style: &LayerStyle) -> String {
    match &style.renderer {
        Renderer::Single { color } => format!(
            r#"<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>{}</symbols></renderer-v2>"#,
            symbol(style, "0", *color, None)
        ),
        Renderer::Categorized { .. } => {
            let classes = style.classes();
            // One field is the attribute itself; two are joined into one expression.
            let attr = match classes.first().map(|c| c.when.len()) {
                Some(2) => format!(
                    "concat(\"{}\", '|', \"{}\")",
                    classes[0].when[0].0, classes[0].when[1].0
                ),
                _ => classes
                    .first()
                    .map(|c| c.when[0].0.to_string())
                    .unwrap_or_default(),
            };
            let cats: String = classes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let value: Vec<&str> = c.when.iter().map(|(_, v)| v.as_str()).collect();
                    format!(
                        r#"<category symbol="{i}" value="{}" label="{}" render="true"/>"#,
                        escape(value.join("|").as_str()),
                        escape(c.label.as_str())
                    )
                })
                .collect();
            let symbols: String = classes
                .iter()
                .enumerate()
                .map(|(i, c)| symbol(style, &i.to_string(), c.color, c.outline))
                .collect();
            format!(
                r#"<renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0"><categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>"#,
                escape(attr.as_str())
            )
        }
    }
}

/// The `<labeling>` element (empty when the layer has no labels).
pub fn labeling(style: &LayerStyle) -> String {
    let Some(labels) = &style.labels else {
        return String::new();
    };
    let placement = match style.shape {
        Shape::Point => "6",
        Shape::Line => "2",
        Shape::Polygon => "1",
    };
    format!(
        r#"<labeling type="simple"><settings calloutType="simple"><text-style fieldName="{}" isExpression="1" fontFamily="Noto Sans CJK SC" fontSize="8" fontSizeUnit="Point" textColor="40,40,40,255" textOpacity="1"><text-buffer bufferDraw="1" bufferSize="0.7" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.9"/></text-style><text-format wrapChar="" multilineAlign="0"/><placement placement="{placement}" dist="1" distUnits="MM"/><rendering scaleVisibility="1" scaleMin="{}" scaleMax="0" obstacle="1" displayAll="0"/></settings></labeling>"#,
        escape(labels.expression.as_str()),
        labels.max_scale
    )
}

pub fn geometry_type(shape: Shape) -> u8 {
    match shape {
        Shape::Point => 0,
        Shape::Line => 1,
        Shape::Polygon => 2,
    }
}

/// A whole `.qml` document.
pub fn qml(style: &LayerStyle) -> String {
    let labels_enabled = if style.labels.is_some() { "1" } else { "0" };
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.16\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{labels_enabled}\">\n{}\n{}\n<layerGeometryType>{}</layerGeometryType>\n</qgis>\n",
        renderer(style),
        labeling(style),
        geometry_type(style.shape)
    )
}
