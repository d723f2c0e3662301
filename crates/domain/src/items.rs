//! The bonus and veto items of the Henan method and their Chinese names: what an enterprise
//! page, a score card's explanation and a policy list call them. A city's own items (added to
//! its catalogue and method) are shown by their catalogue label instead.

/// The Chinese name of a standard bonus or veto item.
pub fn item_label(id: &str) -> Option<&'static str> {
    Some(match id {
        "high_tech" => "高新技术企业",
        "listed" => "境内外上市公司",
        "provincial_rd_platform" => "省级以上研发平台",
        "quality_award" => "质量奖",
        "strategic_emerging" => "战略性新兴产业企业",
        "major_safety_accident" => "重大安全生产事故",
        "major_pollution_incident" => "重大环境污染事件",
        "serious_dishonesty" => "严重失信",
        _ => return None,
    })
}
