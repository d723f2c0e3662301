//! The completeness chart of a round, drawn on the server as SVG (no script, no style
//! attributes: presentation attributes only, so the CSP holds).

use super::xml_escape;

/// One bar: a department's fill percentage, coloured by its task status.
#[derive(Clone, Debug)]
pub(super) struct Bar {
    /// Department name.
    pub label: String,
    /// Task status (`pending`, `submitted`, `confirmed`, `returned`).
    pub status: String,
    /// Values filled.
    pub filled: i64,
    /// Values required.
    pub required: i64,
    /// Past its deadline and not submitted.
    pub overdue: bool,
}

/// Colour of a task status (the palette of `app.css`).
fn colour(status: &str) -> &'static str {
    match status {
        "submitted" => "#2f6fa3",
        "confirmed" => "#1e7b46",
        "returned" => "#b42318",
        _ => "#7b8794",
    }
}

/// The percentage of required values filled, with one decimal (`—` when nothing is required).
pub(super) fn percent_text(filled: i64, required: i64) -> String {
    if required <= 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", filled as f64 * 100.0 / required as f64)
    }
}

/// A horizontal bar chart of fill percentages per department, with a legend.
pub(super) fn completeness(bars: &[Bar]) -> String {
    const LABEL_W: f64 = 240.0;
    const BAR_W: f64 = 360.0;
    const ROW_H: f64 = 30.0;
    const TOP: f64 = 8.0;
    let width = LABEL_W + BAR_W + 90.0;
    let legend_y = TOP + ROW_H * bars.len() as f64 + 12.0;
    let height = legend_y + 24.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"completeness-title\" \
         font-family=\"PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif\" font-size=\"13\">\
         <title id=\"completeness-title\">各部门必填数据完成率（条形长度为已填/应填，颜色为报送状态）</title>"
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let share = if b.required > 0 {
            (b.filled as f64 / b.required as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let pct = percent_text(b.filled, b.required);
        let status = super::task_status_label(&b.status);
        let overdue = if b.overdue { "，已逾期" } else { "" };
        let label = xml_escape(&b.label);
        s.push_str(&format!(
            "<g class=\"bar\"><title>{label}：{status}{overdue}，已填 {} / 应填 {}（{pct}）</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{label}</text>\
             <rect x=\"{LABEL_W}\" y=\"{}\" width=\"{BAR_W}\" height=\"18\" fill=\"#eef2f6\"/>\
             <rect x=\"{LABEL_W}\" y=\"{}\" width=\"{:.1}\" height=\"18\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1f2933\">{pct}</text></g>",
            b.filled,
            b.required,
            LABEL_W - 8.0,
            y + 19.0,
            if b.overdue { "#b42318" } else { "#1f2933" },
            y + 6.0,
            y + 6.0,
            share * BAR_W,
            colour(&b.status),
            LABEL_W + BAR_W + 8.0,
            y + 19.0,
        ));
    }
    let mut x = LABEL_W;
    for status in ["pending", "submitted", "confirmed", "returned"] {
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#616e7c\">{}</text>",
            legend_y,
            colour(status),
            x + 16.0,
            legend_y + 11.0,
            super::task_status_label(status)
        ));
        x += 80.0;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_labels_percentages_and_no_style() {
        let svg = completeness(&[
            Bar {
                label: "税务局 & 一".into(),
                status: "submitted".into(),
                filled: 30,
                required: 120,
                overdue: false,
            },
            Bar {
                label: "统计局".into(),
                status: "pending".into(),
                filled: 0,
                required: 0,
                overdue: true,
            },
        ]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("税务局 &amp; 一") && svg.contains("25.0%"), "{svg}");
        assert!(svg.contains("width=\"90.0\""), "a quarter of the bar: {svg}");
        assert!(svg.contains("已逾期") && svg.contains("—"));
        assert!(!svg.contains("style="));
        assert_eq!(percent_text(1, 3), "33.3%");
    }
}
