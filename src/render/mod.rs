//! Maps and charts as SVG, from the style model and a run's outcome, with real text: for
//! the PNG overviews and the reports. Downstream of the analysis; upstream of publishing.

/// Charts drawn by plotters.
pub mod chart;
/// Cluster maps, the city overview, a trace map.
pub mod map;
/// SVG to PNG with resvg.
pub mod png;
/// A small SVG writer and the map furniture.
pub mod svg;
