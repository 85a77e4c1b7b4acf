//! Clip geometry in tile grid units to a tile's buffered box: points inside it, lines cut
//! into the pieces within it (Liang–Barsky per segment), polygon rings cut along its edges
//! (Sutherland–Hodgman). Then snap to the integer grid, dropping repeated vertices and
//! what degenerates.

/// The box clipped to: min x, min y, max x, max y.
pub type Box2 = [f64; 4];

type P = (f64, f64);

/// The part of segment a–b inside the box, if any.
fn clip_segment(a: P, b: P, r: &Box2) -> Option<(P, P)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - r[0]),
        (dx, r[2] - a.0),
        (-dy, a.1 - r[1]),
        (dy, r[3] - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                if t > t1 {
                    return None;
                }
                t0 = t0.max(t);
            } else {
                if t < t0 {
                    return None;
                }
                t1 = t1.min(t);
            }
        }
    }
    // An end inside the box stays exactly where it was: a + (b - a) need not be b, and a
    // line whose vertices moved by a rounding error would be cut into pieces at them.
    Some((
        if t0 == 0.0 {
            a
        } else {
            (a.0 + t0 * dx, a.1 + t0 * dy)
        },
        if t1 == 1.0 {
            b
        } else {
            (a.0 + t1 * dx, a.1 + t1 * dy)
        },
    ))
}

/// The pieces of a line within the box.
pub fn line(points: &[P], r: &Box2) -> Vec<Vec<P>> {
    let mut out: Vec<Vec<P>> = Vec::new();
    let mut current: Vec<P> = Vec::new();
    for w in points.windows(2) {
        match clip_segment(w[0], w[1], r) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if current.len() > 1 {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() > 1 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

/// A ring clipped to the box (closed, possibly with edges along the box).
pub fn ring(points: &[P], r: &Box2) -> Vec<P> {
    let mut poly: Vec<P> = points.to_vec();
    if poly.first() == poly.last() {
        poly.pop();
    }
    // Each edge of the box: inside test, and the crossing of a segment with it.
    for edge in 0..4 {
        if poly.is_empty() {
            break;
        }
        let inside = |p: &P| match edge {
            0 => p.0 >= r[0],
            1 => p.0 <= r[2],
            2 => p.1 >= r[1],
            _ => p.1 <= r[3],
        };
        let cross = |a: &P, b: &P| -> P {
            let (x, y) = match edge {
                0 | 1 => {
                    let x = if edge == 0 { r[0] } else { r[2] };
                    (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
                }
                _ => {
                    let y = if edge == 2 { r[1] } else { r[3] };
                    (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y)
                }
            };
            (x, y)
        };
        let mut next = Vec::with_capacity(poly.len() + 4);
        for i in 0..poly.len() {
            let (cur, prev) = (poly[i], poly[(i + poly.len() - 1) % poly.len()]);
            match (inside(&prev), inside(&cur)) {
                (true, true) => next.push(cur),
                (true, false) => next.push(cross(&prev, &cur)),
                (false, true) => {
                    next.push(cross(&prev, &cur));
                    next.push(cur);
                }
                (false, false) => {}
            }
        }
        poly = next;
    }
    if !poly.is_empty() {
        poly.push(poly[0]);
    }
    poly
}

/// Round to the integer grid, dropping repeated vertices.
pub fn snap(points: &[P]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for p in points {
        let q = (p.0.round() as i32, p.1.round() as i32);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

/// Twice the signed area of an integer ring (0 for a degenerate one).
pub fn area2(ring: &[(i32, i32)]) -> i64 {
    ring.windows(2)
        .map(|w| w[0].0 as i64 * w[1].1 as i64 - w[1].0 as i64 * w[0].1 as i64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: Box2 = [0.0, 0.0, 100.0, 100.0];

    #[test]
    fn a_line_crossing_the_box_is_cut_at_its_edges() {
        let pieces = line(&[(-50.0, 50.0), (150.0, 50.0)], &BOX);
        assert_eq!(pieces, vec![vec![(0.0, 50.0), (100.0, 50.0)]]);
        // Leaving and coming back makes two pieces.
        let two = line(
            &[(10.0, 10.0), (10.0, 200.0), (90.0, 200.0), (90.0, 10.0)],
            &BOX,
        );
        assert_eq!(two.len(), 2);
        assert!(line(&[(200.0, 0.0), (300.0, 50.0)], &BOX).is_empty());
    }

    #[test]
    fn a_ring_larger_than_the_box_becomes_the_box() {
        let r = ring(
            &[
                (-10.0, -10.0),
                (110.0, -10.0),
                (110.0, 110.0),
                (-10.0, 110.0),
                (-10.0, -10.0),
            ],
            &BOX,
        );
        let s = snap(&r);
        assert_eq!(area2(&s).abs(), 2 * 100 * 100);
        assert_eq!(s.first(), s.last());
    }

    #[test]
    fn a_ring_outside_the_box_vanishes() {
        let r = ring(
            &[
                (200.0, 200.0),
                (300.0, 200.0),
                (300.0, 300.0),
                (200.0, 200.0),
            ],
            &BOX,
        );
        assert!(r.is_empty());
    }

    #[test]
    fn a_line_inside_the_box_stays_one_line_with_its_vertices() {
        // 0.1 + (0.7 - 0.1) is not 0.7 in floating point.
        let points = [(0.1, 0.1), (0.7, 0.3), (33.3, 66.6), (99.9, 0.7)];
        assert_eq!(line(&points, &BOX), vec![points.to_vec()]);
    }
}
