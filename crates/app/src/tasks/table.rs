//! The 附件 of 驻政办〔2019〕125号 (重点工作任务分工) as data: every task under its heading with
//! its lead and co-operating units, as the document writes them and as units with accounts.

/// The plan's document number.
pub const DOCUMENT: &str = "驻政办〔2019〕125号";

/// The headings of the table, in order.
pub const HEADINGS: [&str; 6] = [
    "以亩产论英雄，提高亩均产出效益",
    "以特色论英雄，提速产业集群培育",
    "以生态论英雄，提升绿色发展水平",
    "以创新论英雄，推进智能化改造",
    "以实干论英雄，深化体制机制改革",
    "保障措施",
];

/// One row of the table.
pub struct Row {
    /// Heading number (1-based index into [`HEADINGS`]).
    pub heading: u8,
    /// Number under the heading.
    pub seq: u8,
    /// 专项工作.
    pub title: &'static str,
    /// 牵头部门 as written.
    pub lead_text: &'static str,
    /// 配合部门 as written.
    pub co_text: &'static str,
    /// The lead units, one name each.
    pub leads: &'static [&'static str],
    /// The co-operating units, one name each.
    pub cos: &'static [&'static str],
}

/// The name the table uses for the county governments as a whole.
pub const COUNTIES: &str = "各县区人民政府";

/// The department code of a unit's name, where the unit is one of the departments with
/// accounts here.
pub fn department_code(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "市发改委" => "development",
        "市税务局" => "tax",
        "市自然资源和规划局" => "natural_resources",
        "市统计局" => "statistics",
        "电力公司" => "power",
        "市生态环境局" => "ecology",
        "市科技局" => "science",
        "市市场监管局" => "market",
        "市工信局" => "industry",
        "市应急管理局" => "emergency",
        "市水利局" => "water",
        "市金融工作局" => "finance",
        _ => return None,
    })
}

const C: &str = COUNTIES;

/// The table, row by row.
pub const ROWS: &[Row] = &[
    Row {
        heading: 1,
        seq: 1,
        title: "持续开展企业分类综合评价",
        lead_text: "市发改委",
        co_text: "市大数据管理局、统计局、税务局、市场监管局、工信局、应急管理局、科技局、金融工作局、生态环境局、自然资源和规划局，各县区人民政府",
        leads: &["市发改委"],
        cos: &[
            "市大数据管理局",
            "市统计局",
            "市税务局",
            "市市场监管局",
            "市工信局",
            "市应急管理局",
            "市科技局",
            "市金融工作局",
            "市生态环境局",
            "市自然资源和规划局",
            C,
        ],
    },
    Row {
        heading: 1,
        seq: 2,
        title: "配套实行差别化政策",
        lead_text: "市发改委、科技局、工信局、财政局、自然资源和规划局、生态环境局、水利局、金融工作局、电力公司按职责分工负责",
        co_text: "各县区人民政府",
        leads: &[
            "市发改委",
            "市科技局",
            "市工信局",
            "市财政局",
            "市自然资源和规划局",
            "市生态环境局",
            "市水利局",
            "市金融工作局",
            "电力公司",
        ],
        cos: &[C],
    },
    Row {
        heading: 1,
        seq: 3,
        title: "促进土地集约节约利用",
        lead_text: "市自然资源和规划局",
        co_text: "各县区人民政府",
        leads: &["市自然资源和规划局"],
        cos: &[C],
    },
    Row {
        heading: 2,
        seq: 1,
        title: "实施产业集群转型升级行动",
        lead_text: "市发改委",
        co_text: "市工信局、科技局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市工信局", "市科技局", C],
    },
    Row {
        heading: 2,
        seq: 2,
        title: "培育引领型企业和优势品牌",
        lead_text: "市工信局",
        co_text: "市发改委、科技局、市场监管局，各县区人民政府",
        leads: &["市工信局"],
        cos: &["市发改委", "市科技局", "市市场监管局", C],
    },
    Row {
        heading: 2,
        seq: 3,
        title: "推进区中园布局建设",
        lead_text: "市发改委",
        co_text: "市工信局、科技局、人社局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市工信局", "市科技局", "市人社局", C],
    },
    Row {
        heading: 3,
        seq: 1,
        title: "推广绿色工厂建设",
        lead_text: "市工信局",
        co_text: "市生态环境局，各县区人民政府",
        leads: &["市工信局"],
        cos: &["市生态环境局", C],
    },
    Row {
        heading: 3,
        seq: 2,
        title: "开展绿色园区创建",
        lead_text: "市工信局",
        co_text: "市发改委、生态环境局，各县区人民政府",
        leads: &["市工信局"],
        cos: &["市发改委", "市生态环境局", C],
    },
    Row {
        heading: 3,
        seq: 3,
        title: "整治提升化工园区",
        lead_text: "市发改委、工信局、应急管理局、生态环境局按职责分工负责",
        co_text: "各县区人民政府",
        leads: &["市发改委", "市工信局", "市应急管理局", "市生态环境局"],
        cos: &[C],
    },
    Row {
        heading: 3,
        seq: 4,
        title: "实行生态共建环境共治",
        lead_text: "市生态环境局",
        co_text: "市住建局、城管局，各县区人民政府",
        leads: &["市生态环境局"],
        cos: &["市住建局", "市城管局", C],
    },
    Row {
        heading: 4,
        seq: 1,
        title: "推进产品创新，提升产品质量",
        lead_text: "市工信局",
        co_text: "市发改委、财政局、科技局、市场监管局、知识产权局、各县区人民政府",
        leads: &["市工信局"],
        cos: &[
            "市发改委",
            "市财政局",
            "市科技局",
            "市市场监管局",
            "市知识产权局",
            C,
        ],
    },
    Row {
        heading: 4,
        seq: 2,
        title: "构建创新平台，提升创新能力",
        lead_text: "市科技局、工信局",
        co_text: "市发改委，各县区人民政府",
        leads: &["市科技局", "市工信局"],
        cos: &["市发改委", C],
    },
    Row {
        heading: 4,
        seq: 3,
        title: "加快工艺创新，发展智能制造",
        lead_text: "市工信局",
        co_text: "市发改委、财政局、科技局、招商局、市基础电信运营商、各县区人民政府",
        leads: &["市工信局"],
        cos: &[
            "市发改委",
            "市财政局",
            "市科技局",
            "市招商局",
            "市基础电信运营商",
            C,
        ],
    },
    Row {
        heading: 4,
        seq: 4,
        title: "推进示范应用，建设智能化园区",
        lead_text: "市发改委",
        co_text: "市工信局、财政局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市工信局", "市财政局", C],
    },
    Row {
        heading: 4,
        seq: 5,
        title: "集聚创新人才，打造人才高地",
        lead_text: "市委组织部、人社局、科技局按职责分工负责",
        co_text: "各县区人民政府",
        leads: &["市委组织部", "市人社局", "市科技局"],
        cos: &[C],
    },
    Row {
        heading: 5,
        seq: 1,
        title: "完善集聚区管理体制",
        lead_text: "市委组织部、编办、人社局按职责分工负责",
        co_text: "各县区人民政府",
        leads: &["市委组织部", "市编办", "市人社局"],
        cos: &[C],
    },
    Row {
        heading: 5,
        seq: 2,
        title: "健全企业退出机制",
        lead_text: "市自然资源和规划局、招商促进局、工信局、发改委、财政局、税务局按职责分工负责",
        co_text: "各县区人民政府、经济开发区、高新区管委会",
        leads: &[
            "市自然资源和规划局",
            "市招商促进局",
            "市工信局",
            "市发改委",
            "市财政局",
            "市税务局",
        ],
        cos: &[C, "经济开发区管委会", "高新区管委会"],
    },
    Row {
        heading: 5,
        seq: 3,
        title: "推行市场化开发运营",
        lead_text: "市发改委",
        co_text: "市财政局、金融工作局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市财政局", "市金融工作局", C],
    },
    Row {
        heading: 5,
        seq: 4,
        title: "创新高层次管理人才引进机制",
        lead_text: "市委组织部、市人社局",
        co_text: "市财政局，各县区人民政府",
        leads: &["市委组织部", "市人社局"],
        cos: &["市财政局", C],
    },
    Row {
        heading: 6,
        seq: 1,
        title: "注重规划引领",
        lead_text: "市发改委",
        co_text: "市自然资源局、住建局、城管局、生态环境局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市自然资源和规划局", "市住建局", "市城管局", "市生态环境局", C],
    },
    Row {
        heading: 6,
        seq: 2,
        title: "加大政策支持",
        lead_text: "市财政局、自然资源和规划局、金融工作局按职责分工负责",
        co_text: "各县区人民政府",
        leads: &["市财政局", "市自然资源和规划局", "市金融工作局"],
        cos: &[C],
    },
    Row {
        heading: 6,
        seq: 3,
        title: "强化精准招商",
        lead_text: "各县区人民政府",
        co_text: "市招商局、工信局、发改委、金融工作局",
        leads: &[C],
        cos: &["市招商局", "市工信局", "市发改委", "市金融工作局"],
    },
    Row {
        heading: 6,
        seq: 4,
        title: "优化营商环境",
        lead_text: "市发改委",
        co_text: "市大数据管理局、住建局、城市管理局、住房管理中心，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市大数据管理局", "市住建局", "市城管局", "市住房管理中心", C],
    },
    Row {
        heading: 6,
        seq: 5,
        title: "完善考核激励",
        lead_text: "市发改委",
        co_text: "市统计局、财政局，各县区人民政府",
        leads: &["市发改委"],
        cos: &["市统计局", "市财政局", C],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_task_of_the_document_once() {
        // 3 + 3 + 4 + 5 + 4 + 5 rows under the six headings.
        for (h, n) in [(1, 3), (2, 3), (3, 4), (4, 5), (5, 4), (6, 5)] {
            let seqs: Vec<u8> = ROWS.iter().filter(|r| r.heading == h).map(|r| r.seq).collect();
            assert_eq!(seqs, (1..=n).collect::<Vec<u8>>(), "heading {h}");
        }
        for r in ROWS {
            assert!(!r.leads.is_empty() && !r.cos.is_empty(), "{}", r.title);
            // Every unit named in the structured lists appears in the written text (up to the
            // 市 prefix the document drops after the first name).
            for u in r.leads {
                let short = u.trim_start_matches('市');
                assert!(r.lead_text.contains(short), "{} lead {u}", r.title);
            }
        }
    }

    #[test]
    fn departments_with_accounts_are_recognised() {
        assert_eq!(department_code("市发改委"), Some("development"));
        assert_eq!(department_code("市税务局"), Some("tax"));
        assert_eq!(department_code("市财政局"), None);
        for (code, _) in mujun_domain::DEPARTMENTS {
            assert!(
                ROWS.iter()
                    .flat_map(|r| r.leads.iter().chain(r.cos))
                    .any(|u| department_code(u) == Some(code)),
                "{code} takes part in no task"
            );
        }
    }
}
