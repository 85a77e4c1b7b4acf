//! Tile math in one place: WGS84 lon/lat to Web Mercator metres, a tile's bounds, and
//! metres to the tile's integer grid (extent 4096, y down, as MVT 2.1 wants).

/// The Earth's radius in Web Mercator (EPSG:3857).
const R: f64 = 6_378_137.0;
/// Half the width of the Web Mercator square, in metres.
pub const HALF: f64 = std::f64::consts::PI * R;
/// Web Mercator's latitude limit.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;
/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 18;
/// The tile grid's resolution.
pub const EXTENT: u32 = 4096;
/// How far beyond its edges a tile carries geometry, in grid units (so lines and outlines
/// join without seams).
pub const BUFFER: f64 = 64.0;

/// A tile address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// A tile address, or why it is none: zoom 0–18, x and y within the zoom's grid.
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileId, String> {
        if z > MAX_ZOOM as u32 {
            return Err(format!(
                "zoom {z} is beyond the deepest zoom served ({MAX_ZOOM})"
            ));
        }
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(format!(
                "tile {z}/{x}/{y} is outside the zoom's grid (0…{})",
                n - 1
            ));
        }
        Ok(TileId { z: z as u8, x, y })
    }

    /// Its width in metres.
    pub fn size(self) -> f64 {
        2.0 * HALF / (1u64 << self.z) as f64
    }

    /// Its bounds in Web Mercator: west, south, east, north.
    pub fn bounds(self) -> [f64; 4] {
        let s = self.size();
        let west = -HALF + self.x as f64 * s;
        let north = HALF - self.y as f64 * s;
        [west, north - s, west + s, north]
    }

    /// Its bounds grown by the buffer.
    pub fn buffered(self) -> [f64; 4] {
        let [w, s, e, n] = self.bounds();
        let b = BUFFER / EXTENT as f64 * self.size();
        [w - b, s - b, e + b, n + b]
    }

    /// A Web Mercator point in the tile's grid units (not rounded).
    pub fn to_grid(self, x: f64, y: f64) -> (f64, f64) {
        let [w, _, _, n] = self.bounds();
        let k = EXTENT as f64 / self.size();
        ((x - w) * k, (n - y) * k)
    }
}

/// WGS84 lon/lat to Web Mercator metres (latitude clamped to Web Mercator's limit).
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT);
    let x = lon.to_radians() * R;
    let y = (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
        .tan()
        .ln()
        * R;
    (x, y)
}

/// Web Mercator metres back to lon/lat.
pub fn lonlat(x: f64, y: f64) -> (f64, f64) {
    (
        (x / R).to_degrees(),
        (2.0 * (y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
    )
}

/// The tile at zoom `z` holding lon/lat.
pub fn tile_of(lon: f64, lat: f64, z: u8) -> TileId {
    let (x, y) = mercator(lon, lat);
    let n = (1u64 << z) as f64;
    let tx = ((x + HALF) / (2.0 * HALF) * n).floor().clamp(0.0, n - 1.0) as u32;
    let ty = ((HALF - y) / (2.0 * HALF) * n).floor().clamp(0.0, n - 1.0) as u32;
    TileId { z, x: tx, y: ty }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_0_is_the_whole_mercator_square_and_tiles_nest() {
        let t = TileId::new(0, 0, 0).unwrap();
        assert_eq!(t.bounds(), [-HALF, -HALF, HALF, HALF]);
        let child = TileId::new(1, 1, 0).unwrap();
        assert_eq!(child.bounds(), [0.0, 0.0, HALF, HALF]);
        assert!(TileId::new(19, 0, 0).is_err());
        assert!(TileId::new(3, 8, 0).is_err());
    }

    #[test]
    fn mercator_round_trips_and_clamps_the_poles() {
        let (x, y) = mercator(106.55, 29.56);
        let (lon, lat) = lonlat(x, y);
        assert!((lon - 106.55).abs() < 1e-9 && (lat - 29.56).abs() < 1e-9);
        let (_, pole) = mercator(0.0, 90.0);
        assert!((pole - HALF).abs() < 1e-3, "{pole}");
        assert!(mercator(180.0, 0.0).0 <= HALF + 1e-6);
    }

    #[test]
    fn a_point_falls_in_the_tile_that_holds_it_within_its_grid() {
        let t = tile_of(106.55, 29.56, 14);
        let (x, y) = mercator(106.55, 29.56);
        let (gx, gy) = t.to_grid(x, y);
        assert!((0.0..4096.0).contains(&gx) && (0.0..4096.0).contains(&gy));
    }
}
