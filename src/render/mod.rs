//! Maps and charts as SVG, from the style model and a run's outcome, with real text: for
//! the PNG overviews and the reports. Downstream of the analysis; upstream of publishing.

/// Charts drawn by plotters.
pub mod chart;
/// Where a map's labels go, so none covers another, a symbol or the frame.
pub mod labels;
/// Cluster maps, the city overview, a trace map.
pub mod map;
/// SVG to PNG with resvg.
pub mod png;
/// A small SVG writer and the map furniture.
pub mod svg;
