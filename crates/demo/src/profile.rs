//! Industry profiles: which GB/T 4754-2017 小类 codes the demo uses, how often, the words that
//! appear in company names, and the economic ratios of each 大类 (division).
//!
//! The ratios are round numbers in the range of published Chinese industrial statistics (税负,
//! 利润率, 增加值率, 能耗强度, 劳动生产率, R&D 强度); they are meant to look plausible, not to
//! reproduce any official table.

/// Economic profile of a division (大类).
#[derive(Debug)]
pub(crate) struct Profile {
    /// The two-digit division.
    pub division: u8,
    /// 4-digit codes used, with weights.
    pub codes: &'static [(u16, f64)],
    /// Words for company names (e.g. 机械, 食品).
    pub words: &'static [&'static str],
    /// Weight among the general (non-specialised) industries; out-of-scope table uses its own.
    pub weight: f64,
    /// Multiplier on the median 亩均税收.
    pub tax_factor: f64,
    /// Median tax paid / main revenue.
    pub tax_rate: f64,
    /// Mean profit margin (profit / revenue).
    pub margin: f64,
    /// Range of value added / gross output.
    pub va: (f64, f64),
    /// Median labour productivity (value added per employee, 万元/人).
    pub productivity: f64,
    /// Median energy intensity (tce per 万元 gross output).
    pub energy: f64,
    /// Median share of energy consumed as electricity.
    pub elec_share: f64,
    /// Median pollution intensity (污染当量 per 万元 gross output).
    pub pollution: f64,
    /// Median water intensity (m³ per 万元 gross output).
    pub water: f64,
    /// Median R&D intensity when the firm does R&D.
    pub rd: f64,
    /// Technology propensity (high-tech, strategic emerging), 1 = average.
    pub tech: f64,
}

macro_rules! profile {
    ($div:expr, $w:expr, codes $codes:expr, words $words:expr,
     tax $tf:expr, rate $rate:expr, margin $m:expr, va $va:expr, prod $prod:expr,
     energy $e:expr, elec $el:expr, poll $p:expr, water $wa:expr, rd $rd:expr, tech $t:expr) => {
        Profile {
            division: $div,
            codes: $codes,
            words: $words,
            weight: $w,
            tax_factor: $tf,
            tax_rate: $rate,
            margin: $m,
            va: $va,
            productivity: $prod,
            energy: $e,
            elec_share: $el,
            pollution: $p,
            water: $wa,
            rd: $rd,
            tech: $t,
        }
    };
}

/// Manufacturing divisions (in scope of the default method), weighted toward what Henan's
/// clusters hold: 农副食品, 食品, 纺织服装, 化工, 建材, 金属制品, 设备, 电气, 电子.
pub(crate) static MANUFACTURING: [Profile; 28] = [
    profile!(13, 12.0, codes &[(1312, 4.0), (1311, 0.5), (1313, 1.0), (1329, 1.5), (1331, 1.0), (1351, 1.0), (1352, 1.0), (1353, 1.0), (1371, 0.8), (1372, 0.6), (1373, 0.6), (1391, 0.8), (1392, 0.6), (1399, 0.6)],
        words &["食品", "粮油", "农业科技", "农产品"],
        tax 0.75, rate 0.025, margin 0.05, va (0.18, 0.26), prod 28.0, energy 0.05, elec 0.6, poll 0.6, water 12.0, rd 0.008, tech 0.4),
    profile!(14, 8.0, codes &[(1411, 1.0), (1419, 1.0), (1431, 1.5), (1432, 1.0), (1433, 0.6), (1439, 0.5), (1441, 0.5), (1462, 0.5), (1469, 0.6), (1499, 0.8)],
        words &["食品", "食品科技", "调味品"],
        tax 0.9, rate 0.035, margin 0.07, va (0.22, 0.32), prod 22.0, energy 0.06, elec 0.6, poll 0.5, water 10.0, rd 0.01, tech 0.5),
    profile!(15, 2.0, codes &[(1512, 1.5), (1522, 1.0), (1524, 1.0)],
        words &["酒业", "饮品"],
        tax 1.8, rate 0.09, margin 0.11, va (0.28, 0.38), prod 25.0, energy 0.08, elec 0.4, poll 0.8, water 15.0, rd 0.006, tech 0.3),
    profile!(17, 4.0, codes &[(1711, 2.0), (1712, 1.0), (1713, 0.4), (1751, 0.8), (1761, 0.6), (1771, 0.6), (1781, 0.6)],
        words &["纺织", "纺织科技", "棉业"],
        tax 0.65, rate 0.03, margin 0.045, va (0.20, 0.28), prod 12.0, energy 0.08, elec 0.75, poll 0.6, water 8.0, rd 0.008, tech 0.4),
    profile!(18, 5.0, codes &[(1810, 3.0), (1820, 1.0), (1830, 0.6)],
        words &["服饰", "服装", "制衣"],
        tax 0.7, rate 0.035, margin 0.055, va (0.22, 0.32), prod 8.0, energy 0.012, elec 0.9, poll 0.05, water 1.5, rd 0.007, tech 0.3),
    profile!(19, 2.0, codes &[(1910, 0.5), (1952, 1.5), (1959, 1.0)],
        words &["鞋业", "皮革制品"],
        tax 0.7, rate 0.035, margin 0.05, va (0.22, 0.30), prod 9.0, energy 0.015, elec 0.85, poll 0.15, water 2.0, rd 0.006, tech 0.3),
    profile!(20, 2.0, codes &[(2011, 1.0), (2021, 1.5), (2022, 1.0)],
        words &["木业", "板业"],
        tax 0.75, rate 0.035, margin 0.05, va (0.20, 0.28), prod 18.0, energy 0.12, elec 0.6, poll 0.3, water 2.0, rd 0.006, tech 0.3),
    profile!(21, 2.0, codes &[(2110, 1.5), (2130, 1.0), (2190, 0.5)],
        words &["家具", "家居"],
        tax 0.8, rate 0.04, margin 0.055, va (0.22, 0.30), prod 14.0, energy 0.02, elec 0.85, poll 0.1, water 1.5, rd 0.01, tech 0.4),
    profile!(22, 2.0, codes &[(2221, 1.0), (2231, 1.5), (2239, 0.5)],
        words &["纸业", "包装"],
        tax 0.9, rate 0.035, margin 0.05, va (0.20, 0.28), prod 30.0, energy 0.25, elec 0.45, poll 2.5, water 40.0, rd 0.008, tech 0.4),
    profile!(23, 1.5, codes &[(2311, 0.5), (2319, 1.5)],
        words &["印务", "彩印包装"],
        tax 0.9, rate 0.045, margin 0.06, va (0.25, 0.33), prod 16.0, energy 0.03, elec 0.85, poll 0.15, water 2.0, rd 0.01, tech 0.5),
    profile!(24, 2.0, codes &[(2411, 0.5), (2422, 1.0), (2439, 1.0), (2449, 1.0)],
        words &["文体用品", "工艺品"],
        tax 0.9, rate 0.04, margin 0.06, va (0.25, 0.33), prod 12.0, energy 0.02, elec 0.85, poll 0.08, water 2.0, rd 0.012, tech 0.5),
    profile!(25, 0.3, codes &[(2524, 1.0), (2542, 1.0)],
        words &["能源", "燃料"],
        tax 1.2, rate 0.05, margin 0.06, va (0.15, 0.25), prod 60.0, energy 0.8, elec 0.2, poll 3.0, water 15.0, rd 0.004, tech 0.3),
    profile!(26, 6.0, codes &[(2612, 0.6), (2614, 0.8), (2619, 0.8), (2621, 0.5), (2624, 1.0), (2625, 0.8), (2631, 0.4), (2641, 0.8), (2651, 0.5), (2661, 0.8), (2669, 1.0), (2681, 0.5)],
        words &["化工", "新材料", "精细化工", "肥业"],
        tax 1.2, rate 0.045, margin 0.08, va (0.22, 0.32), prod 45.0, energy 0.35, elec 0.4, poll 1.5, water 20.0, rd 0.02, tech 1.5),
    profile!(27, 3.0, codes &[(2710, 1.0), (2720, 1.5), (2730, 1.0), (2740, 1.5), (2750, 0.5), (2761, 0.5)],
        words &["药业", "制药", "生物科技"],
        tax 1.6, rate 0.07, margin 0.12, va (0.30, 0.40), prod 35.0, energy 0.1, elec 0.5, poll 1.2, water 25.0, rd 0.035, tech 2.5),
    profile!(29, 4.0, codes &[(2911, 0.3), (2921, 1.0), (2922, 1.0), (2926, 0.8), (2927, 0.8), (2929, 1.0)],
        words &["塑业", "橡塑", "塑料制品"],
        tax 1.0, rate 0.04, margin 0.06, va (0.22, 0.30), prod 20.0, energy 0.06, elec 0.8, poll 0.15, water 3.0, rd 0.015, tech 1.0),
    profile!(30, 9.0, codes &[(3011, 0.4), (3021, 1.5), (3022, 0.8), (3024, 1.0), (3031, 1.2), (3032, 0.6), (3033, 1.0), (3034, 0.6), (3061, 0.4), (3089, 0.4), (3099, 0.6)],
        words &["建材", "新型建材", "耐材"],
        tax 0.95, rate 0.05, margin 0.08, va (0.25, 0.34), prod 30.0, energy 0.55, elec 0.25, poll 2.2, water 6.0, rd 0.01, tech 0.6),
    profile!(31, 0.7, codes &[(3130, 1.0)],
        words &["钢铁", "特钢"],
        tax 1.1, rate 0.03, margin 0.04, va (0.18, 0.25), prod 55.0, energy 0.7, elec 0.3, poll 3.0, water 8.0, rd 0.008, tech 0.4),
    profile!(32, 0.7, codes &[(3216, 0.3), (3252, 1.0)],
        words &["铝业", "金属材料"],
        tax 1.0, rate 0.03, margin 0.045, va (0.15, 0.22), prod 50.0, energy 0.4, elec 0.5, poll 1.5, water 6.0, rd 0.01, tech 0.6),
    profile!(33, 7.0, codes &[(3311, 1.5), (3312, 1.0), (3340, 0.8), (3351, 0.8), (3381, 0.5), (3399, 1.0)],
        words &["钢结构", "金属制品", "门窗"],
        tax 0.9, rate 0.04, margin 0.06, va (0.22, 0.30), prod 20.0, energy 0.04, elec 0.75, poll 0.15, water 2.0, rd 0.015, tech 0.8),
    profile!(34, 6.0, codes &[(3411, 0.5), (3441, 1.0), (3443, 1.0), (3453, 0.8), (3462, 0.6), (3482, 0.8), (3484, 1.5)],
        words &["机械", "机械制造", "阀门", "轴承"],
        tax 1.0, rate 0.045, margin 0.065, va (0.25, 0.33), prod 22.0, energy 0.03, elec 0.8, poll 0.08, water 2.0, rd 0.025, tech 1.5),
    profile!(35, 6.0, codes &[(3511, 0.8), (3514, 1.0), (3515, 0.6), (3531, 0.8), (3532, 0.8), (3534, 0.5), (3572, 0.8), (3574, 0.6), (3576, 0.6), (3581, 0.5)],
        words &["重工", "机械", "装备", "机械设备"],
        tax 1.1, rate 0.045, margin 0.07, va (0.26, 0.34), prod 24.0, energy 0.025, elec 0.8, poll 0.08, water 2.0, rd 0.03, tech 2.0),
    profile!(36, 3.0, codes &[(3630, 1.0), (3660, 1.0), (3670, 1.5)],
        words &["汽车", "汽车零部件", "专用车"],
        tax 1.2, rate 0.04, margin 0.065, va (0.20, 0.28), prod 30.0, energy 0.025, elec 0.75, poll 0.1, water 2.0, rd 0.025, tech 1.2),
    profile!(38, 6.0, codes &[(3811, 0.5), (3821, 1.0), (3823, 1.0), (3831, 1.5), (3841, 0.6), (3872, 1.0)],
        words &["电气", "电器", "电力设备", "电缆"],
        tax 1.2, rate 0.04, margin 0.07, va (0.22, 0.30), prod 26.0, energy 0.02, elec 0.85, poll 0.06, water 1.5, rd 0.03, tech 2.0),
    profile!(39, 4.0, codes &[(3922, 0.6), (3975, 0.6), (3976, 0.8), (3982, 1.5), (3985, 1.0), (3989, 1.0)],
        words &["电子", "电子科技", "光电"],
        tax 1.3, rate 0.04, margin 0.07, va (0.20, 0.28), prod 20.0, energy 0.03, elec 0.9, poll 0.1, water 4.0, rd 0.035, tech 2.5),
    profile!(40, 1.0, codes &[(4011, 1.0), (4014, 0.5)],
        words &["仪器仪表", "自动化"],
        tax 1.3, rate 0.05, margin 0.09, va (0.30, 0.38), prod 22.0, energy 0.015, elec 0.9, poll 0.04, water 1.5, rd 0.04, tech 2.5),
    profile!(41, 0.8, codes &[(4190, 1.0)],
        words &["制品", "工贸"],
        tax 0.8, rate 0.04, margin 0.05, va (0.22, 0.30), prod 15.0, energy 0.03, elec 0.8, poll 0.1, water 2.0, rd 0.008, tech 0.3),
    profile!(42, 1.5, codes &[(4210, 1.0), (4220, 1.0)],
        words &["再生资源", "环保科技"],
        tax 0.8, rate 0.025, margin 0.04, va (0.15, 0.22), prod 30.0, energy 0.08, elec 0.6, poll 0.6, water 4.0, rd 0.006, tech 0.6),
    profile!(43, 0.5, codes &[(4320, 1.0), (4330, 1.0)],
        words &["机电设备", "设备维修"],
        tax 0.9, rate 0.05, margin 0.06, va (0.30, 0.40), prod 15.0, energy 0.02, elec 0.85, poll 0.05, water 1.5, rd 0.008, tech 0.3),
];

/// Industries out of the default scope (not 门类 C) that still show up in the departments'
/// lists: livestock, quarries, power and heat, water, wholesale, holding companies.
pub(crate) static OUT_OF_SCOPE: [Profile; 6] = [
    profile!(3, 1.0, codes &[(311, 1.0), (313, 1.0)],
        words &["牧业", "牛业", "养殖"],
        tax 0.2, rate 0.006, margin 0.05, va (0.30, 0.40), prod 15.0, energy 0.03, elec 0.7, poll 1.5, water 20.0, rd 0.002, tech 0.1),
    profile!(10, 1.0, codes &[(1011, 1.0), (1019, 1.0)],
        words &["矿业", "石材"],
        tax 1.0, rate 0.06, margin 0.1, va (0.35, 0.45), prod 35.0, energy 0.2, elec 0.4, poll 1.0, water 3.0, rd 0.002, tech 0.1),
    profile!(44, 1.2, codes &[(4412, 1.0), (4416, 1.0), (4417, 0.8), (4430, 0.8)],
        words &["热电", "新能源", "能源"],
        tax 1.3, rate 0.05, margin 0.06, va (0.30, 0.45), prod 80.0, energy 1.0, elec 0.1, poll 2.0, water 30.0, rd 0.002, tech 0.3),
    profile!(46, 0.5, codes &[(4610, 1.0), (4620, 1.0)],
        words &["水务", "供水"],
        tax 0.6, rate 0.04, margin 0.05, va (0.35, 0.50), prod 25.0, energy 0.3, elec 0.95, poll 1.0, water 100.0, rd 0.002, tech 0.1),
    profile!(51, 1.2, codes &[(5111, 1.0), (5191, 1.0)],
        words &["粮食贸易", "商贸", "物资回收"],
        tax 1.1, rate 0.012, margin 0.02, va (0.05, 0.10), prod 40.0, energy 0.003, elec 0.9, poll 0.01, water 0.5, rd 0.0, tech 0.05),
    profile!(72, 0.6, codes &[(7211, 1.0), (7212, 1.0)],
        words &["实业", "投资"],
        tax 1.5, rate 0.05, margin 0.1, va (0.40, 0.60), prod 30.0, energy 0.002, elec 0.95, poll 0.005, water 0.3, rd 0.0, tech 0.05),
];

/// Name words specific to a 小类, where the division's words would sound wrong.
pub(crate) fn code_words(code: u16) -> Option<&'static [&'static str]> {
    Some(match code {
        1312 => &["面粉", "粮油", "食品"],
        1331 => &["油脂", "粮油"],
        1351..=1353 => &["肉类食品", "牛业", "食品"],
        1372 => &["菌业", "食品"],
        1373 => &["花生制品", "食品"],
        1431 | 1433 => &["面业", "食品"],
        1441 => &["乳业"],
        1512 => &["酒业"],
        2422 => &["提琴", "乐器"],
        2449 => &["户外用品", "体育用品"],
        2612 => &["碱业", "化工"],
        2624 | 2625 => &["肥业", "生物肥业"],
        3011 => &["水泥"],
        3031 => &["新型墙材", "建材"],
        3033 => &["防水材料", "防水科技", "建材"],
        3572 => &["农业机械", "农机"],
        3574 => &["畜牧机械", "机械"],
        3581 => &["医疗器械"],
        3630 => &["专用汽车", "汽车"],
        3660 => &["专用车", "车辆"],
        3670 => &["汽车零部件", "汽车配件"],
        3831 => &["电缆", "线缆"],
        3841 => &["新能源", "电池"],
        3872 => &["照明", "光电"],
        _ => return None,
    })
}

/// What each cluster is known for (主导产业), as 小类 codes with weights. A cluster's firms
/// come from this list with probability [`SPECIALITY_SHARE`], otherwise from the general mix.
pub(crate) fn cluster_specialities(cluster_index: usize) -> &'static [(u16, f64)] {
    match cluster_index {
        // 驻马店装备产业集聚区: 专用车, 挂车, 工程机械.
        0 => &[
            (3660, 4.0),
            (3630, 3.0),
            (3670, 3.0),
            (3514, 2.0),
            (3511, 1.0),
            (3484, 2.0),
            (3311, 1.0),
        ],
        // 驻马店市产业集聚区: 生物医药, 农产品加工, 电子.
        1 => &[
            (2720, 2.0),
            (2740, 2.0),
            (1312, 2.0),
            (1419, 1.0),
            (3982, 2.0),
            (3985, 1.0),
            (1353, 1.0),
        ],
        // 遂平县: 面制品 (挂面), 食品机械.
        2 => &[(1431, 4.0), (1433, 1.0), (1432, 1.0), (3532, 2.0), (1312, 2.0)],
        // 泌阳县: 牛肉加工 (夏南牛), 香菇, 天然碱化工.
        3 => &[(1353, 3.0), (1351, 2.0), (1372, 3.0), (2612, 2.0)],
        // 确山县: 提琴, 电线电缆.
        4 => &[(2422, 5.0), (2439, 1.0), (3831, 2.0), (3514, 1.0)],
        // 上蔡县: 食品, 服装.
        5 => &[(1312, 2.0), (1419, 2.0), (1810, 2.0), (2929, 1.0), (3021, 1.0)],
        // 平舆县: 防水建材, 户外休闲用品.
        6 => &[(3033, 5.0), (2449, 2.0), (2130, 1.0), (3024, 1.0)],
        // 西平县: 服装, 畜牧机械, 饲料.
        7 => &[(1810, 4.0), (1820, 1.0), (3574, 3.0), (1329, 2.0)],
        // 汝南县: 农产品加工, 纺织, 塑料.
        8 => &[(1312, 2.0), (1399, 1.0), (1711, 2.0), (2922, 1.0), (3099, 1.0)],
        // 正阳县: 花生加工, 花生机械, 乳业.
        9 => &[(1373, 4.0), (1331, 2.0), (3572, 3.0), (1441, 1.0)],
        // 新蔡县: 纺织服装, 电子.
        10 => &[(1711, 2.0), (1810, 3.0), (1952, 1.0), (3976, 1.0), (3989, 1.0)],
        _ => &[],
    }
}

/// Share of a cluster's firms drawn from its specialities.
pub(crate) const SPECIALITY_SHARE: f64 = 0.4;

/// Relative number of firms in each cluster (same order as `ZHUMADIAN_CLUSTERS`).
pub(crate) const CLUSTER_WEIGHTS: [f64; 11] = [12.0, 14.0, 9.0, 8.0, 8.0, 8.0, 9.0, 9.0, 8.0, 7.0, 8.0];

/// Share of firms in out-of-scope industries.
pub(crate) const OUT_OF_SCOPE_SHARE: f64 = 0.065;

/// The manufacturing profile of a division, if any.
pub(crate) fn manufacturing_profile(division: u8) -> Option<&'static Profile> {
    MANUFACTURING.iter().find(|p| p.division == division)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mujun_domain::{IndustryCode, ZHUMADIAN_CLUSTERS};

    #[test]
    fn every_code_is_a_valid_code_of_its_division() {
        for p in MANUFACTURING.iter().chain(OUT_OF_SCOPE.iter()) {
            for &(code, w) in p.codes {
                let ic = IndustryCode::from_value(code).expect("known division");
                assert_eq!(ic.division(), p.division, "{code}");
                assert!(w > 0.0);
            }
            assert_eq!(
                IndustryCode::from_value(u16::from(p.division) * 100 + 1).map(|c| c.is_manufacturing()),
                Some(MANUFACTURING.iter().any(|m| m.division == p.division))
            );
            assert!(!p.words.is_empty());
            assert!(p.va.0 < p.va.1);
        }
    }

    #[test]
    fn specialities_are_manufacturing_codes_with_profiles() {
        assert_eq!(CLUSTER_WEIGHTS.len(), ZHUMADIAN_CLUSTERS.len());
        for i in 0..ZHUMADIAN_CLUSTERS.len() {
            let list = cluster_specialities(i);
            assert!(!list.is_empty());
            for &(code, _) in list {
                let p = manufacturing_profile((code / 100) as u8).expect("manufacturing");
                assert!(
                    p.codes.iter().any(|&(c, _)| c == code),
                    "{code} not in its division's list"
                );
            }
        }
    }
}
