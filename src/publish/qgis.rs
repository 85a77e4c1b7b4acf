//! `zdz.qgs`: a QGIS project that opens every layer of `results.gpkg` styled, grouped by
//! the chain 源 → 网 → 厂 → 口 plus 组团 and 问题, in the working Gauss–Krüger CRS, with
//! paths relative to the project file so the output folder can be moved or zipped.

use quick_xml::escape::escape;

use crate::styles::model::{LayerStyle, Shape};
use crate::styles::qml;

/// Layer groups, top of the legend first: (group title, layers).
pub const GROUPS: [(&str, &[&str]); 6] = [
    ("问题 Problems", &["problems"]),
    ("口 Outfalls", &["outfalls"]),
    ("源 Sources", &["enterprises"]),
    ("厂 Plants", &["plants"]),
    ("网 Network", &["pipes"]),
    (
        "组团 Clusters",
        &["clusters", "parks", "yangtze_band", "rivers"],
    ),
];

fn srs_xml(working_crs: &str, wkt: &str) -> String {
    format!(
        "<spatialrefsys><wkt>{}</wkt><authid>{}</authid></spatialrefsys>",
        escape(wkt),
        escape(working_crs)
    )
}

/// A layer id QGIS keeps: QGIS 3.22 replaces ids of 10 characters or fewer with new ones
/// when it reads a project, which cuts them off from the layer tree (found by testing).
fn layer_id(layer: &str) -> String {
    format!("zdz_layer_{layer}")
}

fn geometry_name(shape: Shape) -> &'static str {
    match shape {
        Shape::Point => "Point",
        Shape::Line => "Line",
        Shape::Polygon => "Polygon",
    }
}

/// The project XML for `styles` (only layers present in the GeoPackage).
pub fn project(styles: &[&LayerStyle], working_crs: &str, wkt: &str, title: &str) -> String {
    let srs = srs_xml(working_crs, wkt);
    let source = |layer: &str| format!("./results.gpkg|layername={layer}");
    let mut tree = String::new();
    let mut order = String::new();
    for (group, members) in GROUPS {
        let layers: Vec<&&LayerStyle> = styles
            .iter()
            .filter(|s| members.contains(&s.layer))
            .collect();
        if layers.is_empty() {
            continue;
        }
        tree += &format!(
            r#"<layer-tree-group name="{}" checked="Qt::Checked" expanded="1"><customproperties/>"#,
            escape(group)
        );
        for s in layers {
            tree += &format!(
                r#"<layer-tree-layer id="{0}" name="{1}" source="{2}" providerKey="ogr" checked="Qt::Checked" expanded="0"><customproperties/></layer-tree-layer>"#,
                layer_id(s.layer),
                escape(s.title),
                escape(source(s.layer).as_str())
            );
            order += &format!(r#"<layer id="{}"/>"#, layer_id(s.layer));
        }
        tree += "</layer-tree-group>";
    }
    let layers: String = styles
        .iter()
        .map(|s| {
            format!(
                r#"<maplayer type="vector" geometry="{}" labelsEnabled="{}" autoRefreshEnabled="0" refreshOnNotifyEnabled="0"><id>{}</id><datasource>{}</datasource><layername>{}</layername><srs>{srs}</srs><provider encoding="UTF-8">ogr</provider>{}{}</maplayer>"#,
                geometry_name(s.shape),
                if s.labels.is_some() { 1 } else { 0 },
                layer_id(s.layer),
                escape(source(s.layer).as_str()),
                escape(s.title),
                qml::renderer(s),
                qml::labeling(s),
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="{title}" version="3.22.16-Białowieża">
<homePath path=""/>
<title>{title}</title>
<projectCrs>{srs}</projectCrs>
<layer-tree-group><customproperties/>{tree}</layer-tree-group>
<projectlayers>{layers}</projectlayers>
<layerorder>{order}</layerorder>
<properties><Paths><Absolute type="bool">false</Absolute></Paths><SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys></properties>
</qgis>
"#,
        title = escape(title)
    )
}
