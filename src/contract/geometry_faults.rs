//! What was wrong with a feature's geometry as the load found it (INVALID_GEOMETRY), in
//! Chinese for the problem list and the documents, and in English for the terminal and
//! `summary.json`.

use std::fmt;

/// The shape a layer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Polygon,
    Line,
    Point,
}

impl Shape {
    fn zh(self) -> &'static str {
        match self {
            Shape::Polygon => "面",
            Shape::Line => "线",
            Shape::Point => "点",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Shape::Polygon => "polygon",
            Shape::Line => "line",
            Shape::Point => "point",
        }
    }
}

/// Why a polygon is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidity {
    SelfIntersection,
    TooFewPointsInRing,
    NonFiniteCoordinate,
    HoleOutsideShell,
    RingsIntersect,
    PartsOverlap,
    PartsTouch,
    /// GEOS finds it invalid where geo's check does not say why.
    Other,
}

impl Invalidity {
    /// Why geo's validation finds a polygon invalid.
    pub fn of(e: &geo::algorithm::validation::InvalidMultiPolygon) -> Invalidity {
        use geo::algorithm::validation::{InvalidMultiPolygon as M, InvalidPolygon as P};
        match e {
            M::InvalidPolygon(_, p) => match p {
                P::TooFewPointsInRing(_) => Invalidity::TooFewPointsInRing,
                P::SelfIntersection(_) => Invalidity::SelfIntersection,
                P::NonFiniteCoord(..) => Invalidity::NonFiniteCoordinate,
                P::InteriorRingNotContainedInExteriorRing(_) => Invalidity::HoleOutsideShell,
                P::IntersectingRingsOnALine(..) | P::IntersectingRingsOnAnArea(..) => {
                    Invalidity::RingsIntersect
                }
            },
            M::ElementsOverlaps(..) => Invalidity::PartsOverlap,
            M::ElementsTouchOnALine(..) => Invalidity::PartsTouch,
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Invalidity::SelfIntersection => "边界自相交",
            Invalidity::TooFewPointsInRing => "环的不同顶点少于 3 个",
            Invalidity::NonFiniteCoordinate => "含非有限坐标",
            Invalidity::HoleOutsideShell => "内环不在外环之内",
            Invalidity::RingsIntersect => "内外环相交",
            Invalidity::PartsOverlap => "多面的各部分相互重叠",
            Invalidity::PartsTouch => "多面的各部分沿线相接",
            Invalidity::Other => "GEOS 判定无效",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Invalidity::SelfIntersection => "a ring has a self-intersection",
            Invalidity::TooFewPointsInRing => "a ring has fewer than 3 distinct points",
            Invalidity::NonFiniteCoordinate => "a non-finite coordinate",
            Invalidity::HoleOutsideShell => "an interior ring outside the exterior",
            Invalidity::RingsIntersect => "its rings intersect",
            Invalidity::PartsOverlap => "its parts overlap",
            Invalidity::PartsTouch => "its parts touch on a line",
            Invalidity::Other => "GEOS finds it invalid",
        }
    }
}

/// What the readers say of a feature without geometry.
pub const NO_GEOMETRY: &str = "no geometry";

/// One thing wrong with a geometry, repaired or not.
#[derive(Debug, Clone, PartialEq)]
pub enum GeometryFault {
    /// The feature has no geometry.
    Missing,
    /// No polygon in it.
    Empty,
    /// Of another type (`found`, as geo names it) than the layer needs.
    WrongType {
        found: &'static str,
        expected: Shape,
    },
    /// An invalid polygon, repaired with make-valid.
    Repaired(Invalidity),
    /// An invalid polygon make-valid could not repair.
    Unrepairable(Invalidity),
    /// make-valid itself failed (GDAL's message).
    MakeValidFailed(String),
    /// A polygon with no interior point.
    NoInteriorPoint,
    /// A line of fewer than two distinct points.
    TooFewPoints,
    /// A multi-part line, split into its parts.
    LineSplit { parts: usize },
    /// Parts of fewer than two distinct points, dropped.
    ShortPartsDropped { parts: usize },
    /// A multi-point, split into its points.
    PointsSplit { points: usize },
    /// GDAL could not read it (GDAL's message).
    Unreadable(String),
}

impl GeometryFault {
    /// What a reader's error says: no geometry, or GDAL's message.
    pub fn unreadable(e: String) -> GeometryFault {
        if e == NO_GEOMETRY {
            GeometryFault::Missing
        } else {
            GeometryFault::Unreadable(e)
        }
    }

    /// The fault in Chinese.
    pub fn zh(&self) -> String {
        match self {
            GeometryFault::Missing => "无几何".into(),
            GeometryFault::Empty => "几何为空".into(),
            GeometryFault::WrongType { found, expected } => {
                format!("几何类型为 {found}，本图层应为{}", expected.zh())
            }
            GeometryFault::Repaired(why) => format!("面无效（{}），已用 make-valid 修复", why.zh()),
            GeometryFault::Unrepairable(why) => {
                format!("面无效（{}），make-valid 无法修复", why.zh())
            }
            GeometryFault::MakeValidFailed(e) => format!("面无效，make-valid 出错：{e}"),
            GeometryFault::NoInteriorPoint => "面没有内点".into(),
            GeometryFault::TooFewPoints => "线的不同顶点少于 2 个".into(),
            GeometryFault::LineSplit { parts } => format!("多段线含 {parts} 段，已拆为单段"),
            GeometryFault::ShortPartsDropped { parts } => {
                format!("{parts} 段的不同顶点少于 2 个，已舍去")
            }
            GeometryFault::PointsSplit { points } => format!("多点含 {points} 个点，已拆为单点"),
            GeometryFault::Unreadable(e) => format!("几何无法读取：{e}"),
        }
    }

    /// The fault in English.
    pub fn en(&self) -> String {
        match self {
            GeometryFault::Missing => NO_GEOMETRY.into(),
            GeometryFault::Empty => "empty polygon".into(),
            GeometryFault::WrongType { found, expected } => {
                format!("geometry is a {found}, expected a {}", expected.en())
            }
            GeometryFault::Repaired(why) => {
                format!("invalid polygon ({}); repaired with make-valid", why.en())
            }
            GeometryFault::Unrepairable(why) => {
                format!(
                    "invalid polygon ({}) that make-valid cannot repair",
                    why.en()
                )
            }
            GeometryFault::MakeValidFailed(e) => format!("make-valid failed: {e}"),
            GeometryFault::NoInteriorPoint => "polygon without an interior point".into(),
            GeometryFault::TooFewPoints => "line with fewer than two distinct points".into(),
            GeometryFault::LineSplit { parts } => {
                format!("multi-part line of {parts} parts; split into parts")
            }
            GeometryFault::ShortPartsDropped { parts } => {
                format!("{parts} part(s) with fewer than two distinct points dropped")
            }
            GeometryFault::PointsSplit { points } => {
                format!("multi-point of {points} points; split into points")
            }
            GeometryFault::Unreadable(e) => e.clone(),
        }
    }

    /// Several faults of one feature, and whether it was skipped, in Chinese.
    pub fn all_zh(faults: &[GeometryFault], skipped: bool) -> String {
        let mut s = faults.iter().map(|f| f.zh()).collect::<Vec<_>>().join("；");
        if skipped {
            s += "；该要素未载入";
        }
        s
    }

    /// The same in English.
    pub fn all_en(faults: &[GeometryFault], skipped: bool) -> String {
        let mut s = faults.iter().map(|f| f.en()).collect::<Vec<_>>().join("; ");
        if skipped {
            s += "; feature skipped";
        }
        s
    }
}

impl fmt::Display for GeometryFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}
