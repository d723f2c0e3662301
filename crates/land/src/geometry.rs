//! Parcel polygons as GeoJSON (WGS-84 longitude/latitude): parsing, the area on the ground, and
//! the check of a declared area against the drawn one.

use crate::LandError;
use crate::standard::M2_PER_MU;

/// A polygon's outer ring as (longitude, latitude) points, closed or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    /// The outer ring.
    pub ring: Vec<(f64, f64)>,
}

/// Parses a GeoJSON `Polygon` (or a `Feature` holding one); holes are ignored for the drawing
/// but subtracted from the area.
pub fn parse(text: &str) -> Result<(Polygon, f64), LandError> {
    let bad = |why: &str| LandError::BadPolygon(why.to_owned());
    let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad("不是有效的 GeoJSON"))?;
    let geometry = if v.get("type").and_then(|t| t.as_str()) == Some("Feature") {
        v.get("geometry")
            .cloned()
            .ok_or_else(|| bad("Feature 缺少 geometry"))?
    } else {
        v
    };
    if geometry.get("type").and_then(|t| t.as_str()) != Some("Polygon") {
        return Err(bad("只接受 Polygon（面）类型"));
    }
    let rings = geometry
        .get("coordinates")
        .and_then(|c| c.as_array())
        .ok_or_else(|| bad("缺少 coordinates"))?;
    let mut parsed = Vec::new();
    for ring in rings {
        let points = ring.as_array().ok_or_else(|| bad("坐标环格式错误"))?;
        let mut pts = Vec::new();
        for p in points {
            let pair = p.as_array().ok_or_else(|| bad("坐标点格式错误"))?;
            let (Some(x), Some(y)) = (
                pair.first().and_then(|x| x.as_f64()),
                pair.get(1).and_then(|y| y.as_f64()),
            ) else {
                return Err(bad("坐标点应为 [经度, 纬度]"));
            };
            if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                return Err(bad("经纬度超出范围"));
            }
            pts.push((x, y));
        }
        if pts.len() < 3 {
            return Err(bad("一个面至少需要 3 个点"));
        }
        parsed.push(pts);
    }
    let Some(outer) = parsed.first() else {
        return Err(bad("没有坐标环"));
    };
    let area = ring_area_m2(outer) - parsed.iter().skip(1).map(|r| ring_area_m2(r)).sum::<f64>();
    if area.is_nan() || area <= 0.0 {
        return Err(bad("面积为零"));
    }
    Ok((Polygon { ring: outer.clone() }, area))
}

/// The area of a ring in m², on a local equirectangular projection around its mean latitude
/// (exact enough for parcels of a few km: the error is far below survey tolerance).
pub fn ring_area_m2(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let lat0 = ring.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let kx = 111_320.0 * lat0.to_radians().cos();
    let ky = 110_574.0;
    let mut twice = 0.0;
    for i in 0..n {
        let (x1, y1) = ring[i];
        let (x2, y2) = ring[(i + 1) % n];
        twice += (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky);
    }
    (twice / 2.0).abs()
}

/// Checks a declared area (亩) against the polygon's: returns the drawn area in 亩 and whether
/// they differ by more than `tolerance_permille`.
pub fn check_area(declared_mu: f64, drawn_m2: f64, tolerance_permille: u32) -> (f64, bool) {
    let drawn_mu = drawn_m2 / M2_PER_MU;
    let off = (declared_mu - drawn_mu).abs() * 1000.0 > drawn_mu * f64::from(tolerance_permille);
    (drawn_mu, off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_of_200_metres_is_60_mu() {
        // 200 m × 200 m near 33° N (Zhumadian): 40,000 m² = 60 亩.
        let lat = 33.0f64;
        let dx = 200.0 / (111_320.0 * lat.to_radians().cos());
        let dy = 200.0 / 110_574.0;
        let json = format!(
            r#"{{"type":"Polygon","coordinates":[[[114.0,{lat}],[{},{lat}],[{},{}],[114.0,{}],[114.0,{lat}]]]}}"#,
            114.0 + dx,
            114.0 + dx,
            lat + dy,
            lat + dy
        );
        let (poly, m2) = parse(&json).unwrap();
        assert_eq!(poly.ring.len(), 5);
        assert!((m2 - 40_000.0).abs() < 40.0, "{m2}");
        let (mu, off) = check_area(60.0, m2, 50);
        assert!((mu - 60.0).abs() < 0.1 && !off);
        assert!(check_area(66.0, m2, 50).1, "10 % off is more than 5 %");
        assert!(!check_area(62.9, m2, 50).1, "4.8 % off is within 5 %");
    }

    #[test]
    fn bad_polygons_are_refused_in_words() {
        assert!(parse("{").unwrap_err().to_string().contains("GeoJSON"));
        assert!(
            parse(r#"{"type":"Point","coordinates":[1,2]}"#)
                .unwrap_err()
                .to_string()
                .contains("Polygon")
        );
        assert!(
            parse(r#"{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}"#)
                .unwrap_err()
                .to_string()
                .contains("3 个点")
        );
    }
}
