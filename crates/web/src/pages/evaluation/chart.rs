//! The class chart of a run, drawn on the server as SVG (no script, no style attributes:
//! presentation attributes only, so the CSP holds): one stacked bar per ranking pool with its
//! count of each class, and a last bar for the enterprises not evaluated (X).

use crate::pages::xml_escape;

/// One bar: a pool and its final count per class, best class first.
#[derive(Clone, Debug)]
pub(super) struct PoolBar {
    /// Group and pool, e.g. `above · 驻马店装备产业集聚区`.
    pub label: String,
    /// `(class, count)`.
    pub counts: Vec<(String, i64)>,
}

/// The colour of a class (the palette of `app.css`: `--a` … `--x`).
pub(crate) fn colour(class: &str) -> &'static str {
    match class {
        "A" => "#1e7b46",
        "B" => "#2f6fa3",
        "C" => "#c05621",
        "D" => "#7b341e",
        _ => "#7b8794",
    }
}

/// A horizontal stacked bar chart of class counts per pool, with a legend of the classes.
pub(super) fn class_bars(bars: &[PoolBar]) -> String {
    const LABEL_W: f64 = 300.0;
    const BAR_W: f64 = 420.0;
    const ROW_H: f64 = 30.0;
    const TOP: f64 = 8.0;
    let width = LABEL_W + BAR_W + 70.0;
    let legend_y = TOP + ROW_H * bars.len() as f64 + 12.0;
    let height = legend_y + 24.0;
    let widest = bars
        .iter()
        .map(|b| b.counts.iter().map(|(_, n)| *n).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"classes-title\" \
         font-family=\"PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif\" font-size=\"13\">\
         <title id=\"classes-title\">各排名池的评价类别分布（条形长度为企业数，颜色为类别）</title>"
    );
    let mut classes: Vec<&str> = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let total: i64 = b.counts.iter().map(|(_, n)| *n).sum();
        let label = xml_escape(&b.label);
        let parts: Vec<String> = b
            .counts
            .iter()
            .map(|(c, n)| format!("{} 类 {n} 家", xml_escape(c)))
            .collect();
        s.push_str(&format!(
            "<g class=\"bar\"><title>{label}：{}，合计 {total} 家</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1f2933\">{label}</text>",
            parts.join("、"),
            LABEL_W - 8.0,
            y + 19.0,
        ));
        let mut x = LABEL_W;
        for (class, n) in &b.counts {
            if !classes.contains(&class.as_str()) {
                classes.push(class);
            }
            if *n <= 0 {
                continue;
            }
            let w = *n as f64 / widest * BAR_W;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"18\" fill=\"{}\"><title>{} 类：{n} 家</title></rect>",
                y + 6.0,
                colour(class),
                xml_escape(class),
            ));
            if w >= 22.0 {
                s.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#ffffff\" font-size=\"11\">{n}</text>",
                    x + w / 2.0,
                    y + 19.0,
                ));
            }
            x += w;
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" fill=\"#616e7c\">{total}</text></g>",
            x + 6.0,
            y + 19.0
        ));
    }
    classes.sort_by(|a, b| (*a == "X", *a).cmp(&(*b == "X", *b)));
    let mut x = LABEL_W;
    for class in classes {
        let name = if class == "X" {
            "不参评".to_owned()
        } else {
            format!("{} 类", xml_escape(class))
        };
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#616e7c\">{name}</text>",
            colour(class),
            x + 16.0,
            legend_y + 11.0,
        ));
        x += 72.0;
    }
    s.push_str("</svg>");
    s
}

/// The sensitivity chart: one horizontal bar per change tried (group, change), its length the
/// number of enterprises whose class changes, coloured by kind (weight, quota, cut).
pub(super) fn sensitivity_bars(
    lines: &[mujun_app::evaluation::simulate::sensitivity::SensitivityLine],
) -> String {
    const LABEL_W: f64 = 420.0;
    const BAR_W: f64 = 300.0;
    const ROW_H: f64 = 22.0;
    let width = LABEL_W + BAR_W + 70.0;
    let height = ROW_H * lines.len() as f64 + 12.0;
    let widest = lines.iter().map(|l| l.changed).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"sensitivity-title\" \
         font-family=\"PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif\" font-size=\"12\">\
         <title id=\"sensitivity-title\">各项调整使类别变化的企业数（条形越长，影响越大）</title>"
    );
    for (i, l) in lines.iter().enumerate() {
        let y = 6.0 + ROW_H * i as f64;
        let label = xml_escape(&format!("{} · {}", l.group, l.change));
        let w = l.changed as f64 / widest * BAR_W;
        let fill = match l.kind {
            "权重" => "#2f6fa3",
            "名额" => "#c05621",
            _ => "#7b8794",
        };
        s.push_str(&format!(
            "<g class=\"bar\"><title>{label}：{} 家企业类别变化</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1f2933\">{label}</text>\
             <rect x=\"{LABEL_W}\" y=\"{}\" width=\"{w:.1}\" height=\"14\" fill=\"{fill}\"/>\
             <text x=\"{:.1}\" y=\"{}\" fill=\"#616e7c\">{}</text></g>",
            l.changed,
            LABEL_W - 8.0,
            y + 12.0,
            y + 1.0,
            LABEL_W + w + 6.0,
            y + 12.0,
            l.changed,
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_bars_scale_to_the_widest_pool_without_style() {
        let svg = class_bars(&[
            PoolBar {
                label: "above · 装备 & 制造".into(),
                counts: vec![("A".into(), 10), ("B".into(), 20), ("C".into(), 10)],
            },
            PoolBar {
                label: "不参评".into(),
                counts: vec![("X".into(), 4)],
            },
        ]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("装备 &amp; 制造"), "{svg}");
        // The widest pool (40) fills the bar: 20 of 40 is half of 420.
        assert!(svg.contains("width=\"210.0\""), "{svg}");
        assert!(svg.contains("fill=\"#1e7b46\"") && svg.contains("fill=\"#7b8794\""));
        assert!(svg.contains("A 类：10 家") && svg.contains("合计 40 家"));
        assert!(svg.contains("不参评"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn sensitivity_bars_scale_to_the_largest_change() {
        use mujun_app::evaluation::simulate::sensitivity::SensitivityLine;
        let line = |kind, changed| SensitivityLine {
            group: "规上".into(),
            kind,
            change: "从“亩均利润”移 5 分到“亩均税收”".into(),
            changed,
        };
        let svg = sensitivity_bars(&[line("权重", 40), line("名额", 10), line("分档线", 0)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // 10 of 40 is a quarter of 300.
        assert!(
            svg.contains("width=\"300.0\"") && svg.contains("width=\"75.0\""),
            "{svg}"
        );
        assert!(svg.contains("width=\"0.0\""));
        assert!(svg.contains("规上 · 从“亩均利润”移 5 分到“亩均税收”：40 家企业类别变化"));
        assert!(!svg.contains("style="));
    }
}
