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
    ("网 Network", &["pipes", "manholes"]),
    (
        "组团 Clusters",
        &["clusters", "parks", "yangtze_band", "rivers", "districts"],
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

/// Where a set of layers comes from: the GeoPackage beside the project, or a live service.
pub enum Source<'a> {
    Gpkg,
    /// OGC API – Features at this base URL (`http://127.0.0.1:8080`).
    Service(&'a str),
}

impl Source<'_> {
    fn datasource(&self, layer: &str) -> String {
        match self {
            Source::Gpkg => format!("./results.gpkg|layername={layer}"),
            Source::Service(url) => {
                format!("url='{url}' typename='{layer}' restrictToRequestBBOX='0'")
            }
        }
    }

    fn provider(&self) -> &'static str {
        match self {
            Source::Gpkg => "ogr",
            Source::Service(_) => "OAPIF",
        }
    }
}

/// The layer tree (grouped) and the styled map layers, shared by project and layer definition.
fn tree_and_layers(styles: &[&LayerStyle], source: &Source, srs: &str) -> (String, String, String) {
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
                r#"<layer-tree-layer id="{0}" name="{1}" source="{2}" providerKey="{3}" checked="Qt::Checked" expanded="0"><customproperties/></layer-tree-layer>"#,
                layer_id(s.layer),
                escape(s.title),
                escape(source.datasource(s.layer).as_str()),
                source.provider()
            );
            order += &format!(r#"<layer id="{}"/>"#, layer_id(s.layer));
        }
        tree += "</layer-tree-group>";
    }
    let layers: String = styles
        .iter()
        .map(|s| {
            format!(
                r#"<maplayer type="vector" geometry="{}" labelsEnabled="{}" autoRefreshEnabled="0" refreshOnNotifyEnabled="0"><id>{}</id><datasource>{}</datasource><layername>{}</layername><srs>{srs}</srs><provider encoding="UTF-8">{}</provider>{}{}</maplayer>"#,
                geometry_name(s.shape),
                if s.labels.is_some() { 1 } else { 0 },
                layer_id(s.layer),
                escape(source.datasource(s.layer).as_str()),
                escape(s.title),
                source.provider(),
                qml::renderer(s),
                qml::labeling(s),
            )
        })
        .collect();
    (tree, layers, order)
}

/// The project XML for `styles` (only layers present in the GeoPackage).
pub fn project(styles: &[&LayerStyle], working_crs: &str, wkt: &str, title: &str) -> String {
    let srs = srs_xml(working_crs, wkt);
    let (tree, layers, order) = tree_and_layers(styles, &Source::Gpkg, &srs);
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

/// A QGIS layer definition (`.qlr`) of the live service's collections, styled like the
/// project: drag it into QGIS to get live layers.
pub fn live_layers(styles: &[&LayerStyle], base_url: &str, wgs84_wkt: &str) -> String {
    let srs = srs_xml("EPSG:4326", wgs84_wkt);
    let (tree, layers, _) = tree_and_layers(styles, &Source::Service(base_url), &srs);
    let (tiles_tree, tiles) = vector_tile_layers(styles, base_url);
    format!(
        "<!DOCTYPE qgis-layer-definition>\n<qlr><layer-tree-group name=\"zdz\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/>{tree}{tiles_tree}</layer-tree-group><maplayers>{layers}{tiles}</maplayers></qlr>\n"
    )
}

/// A QGIS expression selecting one class: `"f" = 'v' AND …`.
fn class_expression(class: &crate::styles::model::Class) -> String {
    class
        .when
        .iter()
        .map(|(f, v)| format!("\"{f}\" = '{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The same layers as vector tiles from the service (`/tiles/{layer}/{z}/{x}/{y}.mvt`,
/// EPSG:3857), each with QGIS's own vector tile renderer: one style per class of the rule
/// model. Unchecked: a user turns them on for large workspaces, where tiles draw faster
/// than features.
fn vector_tile_layers(styles: &[&LayerStyle], base_url: &str) -> (String, String) {
    let mut tree = String::from(
        r#"<layer-tree-group name="矢量瓦片 Vector tiles" checked="Qt::Unchecked" expanded="0"><customproperties/>"#,
    );
    let mut layers = String::new();
    for s in styles {
        let id = format!("zdz_tiles_{}", s.layer);
        let source = format!(
            "type=xyz&url={base_url}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt&zmin=0&zmax={}",
            s.layer,
            crate::tiles::grid::MAX_ZOOM
        );
        tree += &format!(
            r#"<layer-tree-layer id="{id}" name="{} (tiles)" source="{}" providerKey="vectortile" checked="Qt::Unchecked" expanded="0"><customproperties/></layer-tree-layer>"#,
            escape(s.title),
            escape(source.as_str())
        );
        let geometry = qml::geometry_type(s.shape);
        let classes = s.classes();
        let styles_xml: String = if classes.is_empty() {
            let color = match &s.renderer {
                crate::styles::model::Renderer::Single { color } => *color,
                _ => [128, 128, 128, 255],
            };
            format!(
                r#"<style name="{}" layer="{}" geometry="{geometry}" enabled="1" expression="" min-zoom="-1" max-zoom="-1"><symbols>{}</symbols></style>"#,
                escape(s.title),
                s.layer,
                qml::symbol(s, "0", color, None)
            )
        } else {
            classes
                .iter()
                .map(|c| {
                    format!(
                        r#"<style name="{}" layer="{}" geometry="{geometry}" enabled="1" expression="{}" min-zoom="-1" max-zoom="-1"><symbols>{}</symbols></style>"#,
                        escape(c.label.as_str()),
                        s.layer,
                        escape(class_expression(c).as_str()),
                        qml::symbol(s, "0", c.color, c.outline)
                    )
                })
                .collect()
        };
        layers += &format!(
            r#"<maplayer type="vector-tile" autoRefreshEnabled="0"><id>{id}</id><datasource>{}</datasource><layername>{} (tiles)</layername><srs><spatialrefsys><authid>EPSG:3857</authid></spatialrefsys></srs><renderer type="basic"><styles>{styles_xml}</styles></renderer><labeling type="basic"><styles/></labeling></maplayer>"#,
            escape(source.as_str()),
            escape(s.title)
        );
    }
    tree += "</layer-tree-group>";
    (tree, layers)
}
