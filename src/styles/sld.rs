//! OGC SLD 1.0.0 styles for GeoServer users, generated from the same rule model as the
//! QGIS styles (not converted from QML): one rule per category with an equality filter,
//! and a text rule with a maximum scale denominator.

use quick_xml::escape::escape;

use super::model::{LayerStyle, Renderer, Rgba, Shape};

/// Millimetres to the pixels SLD sizes are given in (0.28 mm per pixel).
fn px(mm: f64) -> f64 {
    (mm / 0.28 * 10.0).round() / 10.0
}

fn hex(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn symbolizer(style: &LayerStyle, color: Rgba, outline: Option<(Rgba, f64)>) -> String {
    let stroke = |c: Rgba, w: f64| {
        format!(
            r#"<Stroke><CssParameter name="stroke">{}</CssParameter><CssParameter name="stroke-width">{}</CssParameter></Stroke>"#,
            hex(c),
            px(w)
        )
    };
    match style.shape {
        Shape::Point => format!(
            r#"<PointSymbolizer><Graphic><Mark><WellKnownName>{}</WellKnownName><Fill><CssParameter name="fill">{}</CssParameter></Fill>{}</Mark><Size>{}</Size></Graphic></PointSymbolizer>"#,
            match style.marker.0 {
                "diamond" => "square",
                other => other,
            },
            hex(color),
            stroke([35, 35, 35, 255], style.width),
            px(style.marker.1)
        ),
        Shape::Line => format!(
            "<LineSymbolizer>{}</LineSymbolizer>",
            stroke(color, style.width)
        ),
        Shape::Polygon => format!(
            r#"<PolygonSymbolizer><Fill><CssParameter name="fill">{}</CssParameter><CssParameter name="fill-opacity">{:.2}</CssParameter></Fill>{}</PolygonSymbolizer>"#,
            hex(color),
            style.fill_alpha as f64 / 255.0,
            stroke(
                outline.map_or(color, |o| o.0),
                outline.map_or(style.width, |o| o.1)
            )
        ),
    }
}

/// A whole `.sld` document.
pub fn sld(style: &LayerStyle) -> String {
    let rules: String = match &style.renderer {
        Renderer::Single { color } => format!(
            "<Rule><Title>{}</Title>{}</Rule>",
            escape(style.title),
            symbolizer(style, *color, None)
        ),
        Renderer::Categorized { .. } => style
            .classes()
            .iter()
            .map(|c| {
                let equals: Vec<String> = c
                    .when
                    .iter()
                    .map(|(field, value)| format!("<ogc:PropertyIsEqualTo><ogc:PropertyName>{field}</ogc:PropertyName><ogc:Literal>{}</ogc:Literal></ogc:PropertyIsEqualTo>", escape(value.as_str())))
                    .collect();
                let filter = match equals.as_slice() {
                    [one] => one.clone(),
                    many => format!("<ogc:And>{}</ogc:And>", many.concat()),
                };
                let name: Vec<&str> = c.when.iter().map(|(_, v)| v.as_str()).collect();
                format!(
                    "<Rule><Name>{}</Name><Title>{}</Title><ogc:Filter>{filter}</ogc:Filter>{}</Rule>",
                    escape(name.join("|").as_str()),
                    escape(c.label.as_str()),
                    symbolizer(style, c.color, c.outline)
                )
            })
            .collect(),
    };
    // SLD labels take a property, not an expression: label with the id field.
    let label_rule = match (&style.labels, &style.renderer) {
        (Some(labels), _) => {
            let field = labels.expression.split('"').nth(1).unwrap_or("name");
            format!(
                r#"<Rule><Name>labels</Name><MaxScaleDenominator>{}</MaxScaleDenominator><TextSymbolizer><Label><ogc:PropertyName>{field}</ogc:PropertyName></Label><Font><CssParameter name="font-family">Noto Sans CJK SC</CssParameter><CssParameter name="font-size">11</CssParameter></Font><Halo><Radius>1.5</Radius><Fill><CssParameter name="fill">#ffffff</CssParameter></Fill></Halo><Fill><CssParameter name="fill">#282828</CssParameter></Fill></TextSymbolizer></Rule>"#,
                labels.max_scale
            )
        }
        (None, _) => String::new(),
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
<NamedLayer><Name>{}</Name><UserStyle><Name>{}</Name><Title>{}</Title><FeatureTypeStyle>{rules}{label_rule}</FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>
"#,
        style.layer,
        style.layer,
        escape(style.title)
    )
}
