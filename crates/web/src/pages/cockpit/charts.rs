//! The cockpit's charts, drawn on the server as SVG (presentation attributes only, so the CSP
//! holds; no script): a tile map of the counties coloured by 亩均税收, the counties' bars
//! against the plan's target, and the class distribution over the years.

use crate::pages::evaluation::chart::colour;
use crate::pages::xml_escape;

const FONT: &str = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif";

/// Five blues, light to dark, and the grey of a county without data.
const SCALE: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const NO_DATA: &str = "#e4e7eb";

fn svg_open(width: f64, height: f64, title_id: &str, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{title_id}\" font-family=\"{FONT}\" \
         font-size=\"13\"><title id=\"{title_id}\">{}</title>",
        xml_escape(title)
    )
}

/// A county on the tile map.
pub struct Tile {
    /// Name.
    pub name: String,
    /// 亩均税收 (万元/亩).
    pub value: Option<f64>,
    /// Grid position.
    pub col: u32,
    /// Grid position.
    pub row: u32,
}

/// The colour step (0–4) of each value: by rank among the values, so that five counties of
/// similar 亩均税收 still show their order.
fn steps(values: &[Option<f64>]) -> Vec<Option<usize>> {
    let mut known: Vec<f64> = values.iter().flatten().copied().collect();
    known.sort_by(f64::total_cmp);
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                let below = known.iter().filter(|k| **k < v).count();
                if known.len() <= 1 {
                    2
                } else {
                    below * (SCALE.len() - 1) / (known.len() - 1)
                }
            })
        })
        .collect()
}

/// The counties as equal tiles in their rough geographic places, coloured by 亩均税收, each
/// with its name and value, and a legend from lower to higher.
pub fn tile_map(tiles: &[Tile]) -> String {
    const W: f64 = 132.0;
    const H: f64 = 72.0;
    const GAP: f64 = 6.0;
    let cols = tiles.iter().map(|t| t.col).max().map_or(1, |c| c + 1);
    let rows = tiles.iter().map(|t| t.row).max().map_or(1, |r| r + 1);
    let width = f64::from(cols) * (W + GAP) + GAP;
    let height = f64::from(rows) * (H + GAP) + GAP + 34.0;
    let mut s = svg_open(width, height, "map-title", "各县区亩均税收（颜色越深越高）");
    let step = steps(&tiles.iter().map(|t| t.value).collect::<Vec<_>>());
    for (t, st) in tiles.iter().zip(step) {
        let x = GAP + f64::from(t.col) * (W + GAP);
        let y = GAP + f64::from(t.row) * (H + GAP);
        let fill = st.map_or(NO_DATA, |i| SCALE[i]);
        let ink = if st.is_some_and(|i| i >= 3) {
            "#ffffff"
        } else {
            "#1f2933"
        };
        let value = t
            .value
            .map_or_else(|| "无数据".to_owned(), |v| format!("{v:.2} 万元/亩"));
        let name = xml_escape(&t.name);
        s.push_str(&format!(
            "<g class=\"tile\"><title>{name}：亩均税收 {value}</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"6\" fill=\"{fill}\" stroke=\"#ffffff\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" font-weight=\"600\">{name}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" font-size=\"12\">{value}</text></g>",
            x + W / 2.0,
            y + 30.0,
            x + W / 2.0,
            y + 52.0
        ));
    }
    let ly = height - 24.0;
    s.push_str(&format!(
        "<text x=\"{GAP}\" y=\"{}\" fill=\"#52606d\" font-size=\"12\">较低</text>",
        ly + 13.0
    ));
    for (i, c) in SCALE.iter().enumerate() {
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"{ly}\" width=\"28\" height=\"16\" fill=\"{c}\"/>",
            GAP + 34.0 + i as f64 * 30.0
        ));
    }
    s.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" fill=\"#52606d\" font-size=\"12\">较高</text>\
         <rect x=\"{}\" y=\"{ly}\" width=\"28\" height=\"16\" fill=\"{NO_DATA}\"/>\
         <text x=\"{}\" y=\"{}\" fill=\"#52606d\" font-size=\"12\">无数据</text></svg>",
        GAP + 34.0 + 5.0 * 30.0 + 4.0,
        ly + 13.0,
        GAP + 34.0 + 5.0 * 30.0 + 44.0,
        GAP + 34.0 + 5.0 * 30.0 + 76.0,
        ly + 13.0
    ));
    s
}

/// One county's bar.
pub struct Bar {
    /// Name.
    pub label: String,
    /// 亩均税收 (万元/亩).
    pub value: Option<f64>,
    /// Change from the year before (%).
    pub change: Option<f64>,
}

/// Counties by 亩均税收 as horizontal bars, the plan's target as a dashed line.
pub fn target_bars(bars: &[Bar], target: f64) -> String {
    const LABEL_W: f64 = 110.0;
    const BAR_W: f64 = 380.0;
    const ROW_H: f64 = 26.0;
    let width = LABEL_W + BAR_W + 150.0;
    let height = ROW_H * bars.len() as f64 + 40.0;
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .fold(target, f64::max)
        .max(1e-9);
    let mut s = svg_open(width, height, "bars-title", "各县区亩均税收与行动方案目标");
    for (i, b) in bars.iter().enumerate() {
        let y = 8.0 + ROW_H * i as f64;
        let label = xml_escape(&b.label);
        let w = b.value.map_or(0.0, |v| (v.max(0.0) / max) * BAR_W);
        let fill = if b.value.is_some_and(|v| v >= target) {
            "#1e7b46"
        } else {
            "#2f6fa3"
        };
        let value = b.value.map_or_else(|| "无数据".to_owned(), |v| format!("{v:.2}"));
        let change = b.change.map_or_else(String::new, |c| {
            format!("（{}{c:.1}%）", if c >= 0.0 { "+" } else { "" })
        });
        s.push_str(&format!(
            "<g class=\"bar\"><title>{label}：{value} 万元/亩{change}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1f2933\">{label}</text>\
             <rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{fill}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1f2933\" font-size=\"12\">{value}{change}</text></g>",
            LABEL_W - 8.0,
            y + 15.0,
            ROW_H - 8.0,
            LABEL_W + w + 6.0,
            y + 14.0
        ));
    }
    let tx = LABEL_W + target / max * BAR_W;
    let bottom = 8.0 + ROW_H * bars.len() as f64;
    s.push_str(&format!(
        "<line x1=\"{tx:.1}\" y1=\"4\" x2=\"{tx:.1}\" y2=\"{bottom}\" stroke=\"#c05621\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>\
         <text x=\"{tx:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#c05621\" font-size=\"12\">目标 {target} 万元/亩</text></svg>",
        bottom + 18.0
    ));
    s
}

/// Class counts per year as stacked columns, best class at the bottom.
pub fn class_trend(years: &[(i64, Vec<(String, i64)>)]) -> String {
    const COL_W: f64 = 46.0;
    const GAP: f64 = 26.0;
    const PLOT_H: f64 = 180.0;
    let width = (COL_W + GAP) * years.len().max(1) as f64 + GAP + 90.0;
    let height = PLOT_H + 64.0;
    let max = years
        .iter()
        .map(|(_, c)| c.iter().map(|(_, n)| *n).sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut s = svg_open(width, height, "trend-title", "历年评价类别分布");
    let mut classes: Vec<String> = Vec::new();
    for (i, (year, counts)) in years.iter().enumerate() {
        let x = GAP + (COL_W + GAP) * i as f64;
        // Room above the tallest column for its total.
        let mut top = PLOT_H + 24.0;
        let total: i64 = counts.iter().map(|(_, n)| *n).sum();
        for (class, n) in counts {
            if !classes.contains(class) {
                classes.push(class.clone());
            }
            let h = *n as f64 / max * PLOT_H;
            top -= h;
            let label = if class == "X" {
                "不参评".to_owned()
            } else {
                format!("{} 类", xml_escape(class))
            };
            s.push_str(&format!(
                "<rect x=\"{x}\" y=\"{top:.1}\" width=\"{COL_W}\" height=\"{h:.1}\" fill=\"{}\"><title>{year} 年度 {label} {n} 家</title></rect>",
                colour(class)
            ));
        }
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1f2933\">{year}</text>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#52606d\" font-size=\"11\">{total}</text>",
            x + COL_W / 2.0,
            PLOT_H + 42.0,
            x + COL_W / 2.0,
            top - 4.0
        ));
    }
    let lx = GAP + (COL_W + GAP) * years.len() as f64;
    for (i, class) in classes.iter().enumerate() {
        let y = 14.0 + i as f64 * 20.0;
        let label = if class == "X" {
            "不参评".to_owned()
        } else {
            format!("{} 类", xml_escape(class))
        };
        s.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"#1f2933\" font-size=\"12\">{label}</text>",
            colour(class),
            lx + 16.0,
            y + 11.0
        ));
    }
    s.push_str("</svg>");
    s
}

/// An indicator against its pool's benchmark.
pub struct Versus {
    /// Indicator name.
    pub label: String,
    /// Value ÷ benchmark.
    pub ratio: Option<f64>,
    /// The value and the benchmark, in words.
    pub note: String,
}

/// An enterprise's indicators as bars of value ÷ benchmark, the benchmark (1.0) as a line.
pub fn benchmark_bars(rows: &[Versus]) -> String {
    const LABEL_W: f64 = 130.0;
    const BAR_W: f64 = 300.0;
    const ROW_H: f64 = 30.0;
    let width = LABEL_W + BAR_W + 40.0;
    let height = ROW_H * rows.len() as f64 + 40.0;
    let max = rows.iter().filter_map(|r| r.ratio).fold(1.5, f64::max).min(4.0);
    let mut s = svg_open(
        width,
        height,
        "versus-title",
        "各指标与本排名池基准值之比（虚线为基准值）",
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 8.0 + ROW_H * i as f64;
        let label = xml_escape(&r.label);
        let note = xml_escape(&r.note);
        let w = r.ratio.map_or(0.0, |x| x.clamp(0.0, max) / max * BAR_W);
        let fill = if r.ratio.is_some_and(|x| x >= 1.0) {
            "#1e7b46"
        } else {
            "#c05621"
        };
        let text = r.ratio.map_or_else(|| "无".to_owned(), |x| format!("{x:.2} 倍"));
        s.push_str(&format!(
            "<g class=\"bar\"><title>{label}：{note}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1f2933\">{label}</text>\
             <rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{fill}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1f2933\" font-size=\"12\">{text}</text></g>",
            LABEL_W - 8.0,
            y + 16.0,
            ROW_H - 10.0,
            LABEL_W + w + 6.0,
            y + 15.0
        ));
    }
    let bx = LABEL_W + BAR_W / max;
    let bottom = 8.0 + ROW_H * rows.len() as f64;
    s.push_str(&format!(
        "<line x1=\"{bx:.1}\" y1=\"4\" x2=\"{bx:.1}\" y2=\"{bottom}\" stroke=\"#52606d\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>\
         <text x=\"{bx:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#52606d\" font-size=\"12\">基准值</text></svg>",
        bottom + 18.0
    ));
    s
}

/// Where the counties of a city sit on the tile map: Zhumadian's as on a map (north up), any
/// other city's in code order on a near-square grid.
pub fn tile_place(codes: &[String]) -> Vec<(u32, u32)> {
    const ZHUMADIAN: [(&str, u32, u32); 10] = [
        ("411721", 1, 0), // 西平县
        ("411722", 2, 0), // 上蔡县
        ("411728", 0, 1), // 遂平县
        ("411702", 1, 1), // 驿城区
        ("411727", 2, 1), // 汝南县
        ("411723", 3, 1), // 平舆县
        ("411726", 0, 2), // 泌阳县
        ("411725", 1, 2), // 确山县
        ("411724", 2, 2), // 正阳县
        ("411729", 3, 2), // 新蔡县
    ];
    if codes.iter().all(|c| ZHUMADIAN.iter().any(|(z, _, _)| z == c)) {
        return codes
            .iter()
            .map(|c| {
                ZHUMADIAN
                    .iter()
                    .find(|(z, _, _)| z == c)
                    .map_or((0, 0), |(_, col, row)| (*col, *row))
            })
            .collect();
    }
    let cols = (codes.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut order: Vec<usize> = (0..codes.len()).collect();
    order.sort_by(|a, b| codes[*a].cmp(&codes[*b]));
    let mut places = vec![(0, 0); codes.len()];
    for (k, i) in order.into_iter().enumerate() {
        places[i] = ((k % cols) as u32, (k / cols) as u32);
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_follow_the_order_of_the_values() {
        assert_eq!(
            steps(&[Some(1.0), None, Some(9.0), Some(5.0)]),
            vec![Some(0), None, Some(4), Some(2)]
        );
    }

    #[test]
    fn zhumadian_is_laid_out_as_on_a_map_and_others_on_a_grid() {
        let z = tile_place(&["411702".into(), "411729".into()]);
        assert_eq!(z, vec![(1, 1), (3, 2)]);
        let other = tile_place(&["411303".into(), "411302".into(), "411321".into()]);
        assert_eq!(other, vec![(1, 0), (0, 0), (0, 1)]);
    }

    #[test]
    fn charts_are_svg_with_escaped_text() {
        let svg = tile_map(&[Tile {
            name: "<驿城区>".into(),
            value: Some(12.5),
            col: 0,
            row: 0,
        }]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.contains("&lt;驿城区&gt;"));
        let bars = target_bars(
            &[Bar {
                label: "驿城区".into(),
                value: Some(20.0),
                change: Some(-3.25),
            }],
            15.0,
        );
        assert!(
            bars.contains("目标 15 万元/亩") && bars.contains("20.00（-3.2%）"),
            "{bars}"
        );
        let trend = class_trend(&[(2024, vec![("A".into(), 3), ("X".into(), 1)])]);
        assert!(trend.contains("2024 年度 A 类 3 家") && trend.contains("不参评"));
    }
}
