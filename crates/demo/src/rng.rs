//! The random source of the generator and the few distributions it needs.
//!
//! Only the raw 64-bit output of a PCG generator (`Mcg128Xsl64`, a fixed published algorithm) is
//! taken from a library. Uniforms, normals and the `exp`/`ln` they need are computed here with
//! plain IEEE arithmetic (no platform `libm`), so a seed gives the same numbers on every platform
//! and with every future version of the `rand` family.

use rand_pcg::Mcg128Xsl64;
use rand_pcg::rand_core::Rng;

/// SplitMix64: spreads a user seed over the 128-bit PCG state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded random source with the distributions of the demo data.
pub(crate) struct Src {
    pcg: Mcg128Xsl64,
    spare_normal: Option<f64>,
}

impl Src {
    /// A source for `seed`; `stream` separates independent uses of one seed (e.g. one per year).
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut s = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let hi = u128::from(splitmix64(&mut s));
        let lo = u128::from(splitmix64(&mut s));
        Src {
            pcg: Mcg128Xsl64::new((hi << 64) | lo),
            spare_normal: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.pcg.next_u64()
    }

    /// Uniform in [0, 1), 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) (multiply-shift; the bias is below 2⁻⁴⁰ for the sizes used).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Marsaglia's polar method; needs only `ln` and `sqrt`).
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.unit() - 1.0;
            let v = 2.0 * self.unit() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * ln(s) / s).sqrt();
                self.spare_normal = Some(v * f);
                return u * f;
            }
        }
    }

    /// Log-normal with the given median and log-scale standard deviation.
    pub(crate) fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// One of `items`, chosen with the given weights (weights need not sum to 1).
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.unit() * total;
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items.last().expect("weighted choice from a non-empty table").0
    }

    /// One of `items`, uniformly.
    pub(crate) fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// ln 2 split as in fdlibm: the high part has 32 trailing zero bits, so `k * LN2_HI` is exact.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `e^x` from IEEE arithmetic only (Cody–Waite reduction and a degree-13 Taylor polynomial;
/// relative error below 1e-15). Saturates outside ±700.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = x.clamp(-700.0, 700.0);
    let k = (x * std::f64::consts::LOG2_E).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Horner form of Σ r^i / i!, i = 0..=13.
    let mut p = INV_FACTORIAL[13];
    for c in INV_FACTORIAL[..13].iter().rev() {
        p = p * r + c;
    }
    p * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

/// 1 / i! for i = 0..=13.
const INV_FACTORIAL: [f64; 14] = {
    let mut t = [1.0; 14];
    let mut i = 1;
    while i < 14 {
        t[i] = t[i - 1] / i as f64;
        i += 1;
    }
    t
};

/// 1 / (2i + 1) for i = 0..=11.
const INV_ODD: [f64; 12] = {
    let mut t = [1.0; 12];
    let mut i = 0;
    while i < 12 {
        t[i] = 1.0 / (2 * i + 1) as f64;
        i += 1;
    }
    t
};

/// Natural logarithm of a positive normal number from IEEE arithmetic only (atanh series on the
/// mantissa; relative error below 1e-15).
pub(crate) fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = INV_ODD[11];
    for c in INV_ODD[..11].iter().rev() {
        p = p * s2 + c;
    }
    let e = e as f64;
    2.0 * s * p + e * LN2_LO + e * LN2_HI
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_match_std_closely() {
        let mut src = Src::new(1, 0);
        for _ in 0..20_000 {
            let x = src.range(-30.0, 30.0);
            let (a, b) = (exp(x), x.exp());
            assert!(((a - b) / b).abs() < 4e-15, "exp({x}) = {a} vs {b}");
            let y = src.log_normal(1.0, 8.0);
            let (a, b) = (ln(y), y.ln());
            assert!((a - b).abs() <= 4e-15 * b.abs().max(1.0), "ln({y}) = {a} vs {b}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn normal_has_mean_zero_and_unit_variance() {
        let mut src = Src::new(7, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| src.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }

    #[test]
    fn streams_and_seeds_differ_and_repeat() {
        let draw = |seed, stream| {
            let mut s = Src::new(seed, stream);
            (0..4).map(|_| s.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(1, 0), draw(1, 0));
        assert_ne!(draw(1, 0), draw(2, 0));
        assert_ne!(draw(1, 0), draw(1, 1));
    }

    #[test]
    fn below_stays_in_range() {
        let mut src = Src::new(3, 0);
        for n in [1usize, 2, 3, 10, 1000] {
            for _ in 0..1000 {
                assert!(src.below(n) < n);
            }
        }
    }
}
