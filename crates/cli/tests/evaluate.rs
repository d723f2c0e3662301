//! `mujun evaluate` end to end: demo data under every preset agrees with the spec's quota
//! formulas, and every error path exits non-zero, names the problem and writes no output.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mujun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mujun"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("demo.csv");
    let o = mujun(&[
        "demo-data",
        "--enterprises",
        &n.to_string(),
        "--seed",
        "11",
        "--year",
        "2024",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn round_share(n: usize, share_units: u64) -> usize {
    ((n as u64 * share_units + 5000) / 10_000) as usize
}

/// Checks one result file against the class rules, independently of the engine's code.
fn check_pools(rows: &[HashMap<String, String>], rule: &str) {
    let mut pools: HashMap<(String, String), Vec<&HashMap<String, String>>> = HashMap::new();
    for r in rows {
        if r["final_class"] == "X" {
            assert!(!r["excluded_reason"].is_empty());
            assert!(r["rank"].is_empty());
            continue;
        }
        assert!(r["excluded_reason"].is_empty());
        let total: f64 = r["total"].parse().unwrap();
        let base: f64 = r["base"].parse().unwrap();
        let bonus: f64 = r["bonus"].parse().unwrap();
        assert!((total - base - bonus).abs() <= 1e-9 * total.abs().max(1.0));
        pools
            .entry((r["group"].clone(), r["pool"].clone()))
            .or_default()
            .push(r);
    }
    assert!(!pools.is_empty());
    for ((group, pool), members) in pools {
        let ranked: Vec<_> = members.iter().filter(|r| !r["rank"].is_empty()).collect();
        let n = ranked.len();
        assert!(
            ranked.iter().all(|r| r["pool_size"] == n.to_string()),
            "{group}/{pool}"
        );
        let mut ranks: Vec<usize> = ranked.iter().map(|r| r["rank"].parse().unwrap()).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (1..=n).collect::<Vec<_>>(), "{group}/{pool}: ranks 1..N");
        // Totals fall with rank.
        let mut by_rank = ranked.clone();
        by_rank.sort_by_key(|r| r["rank"].parse::<usize>().unwrap());
        for w in by_rank.windows(2) {
            assert!(w[0]["total"].parse::<f64>().unwrap() >= w[1]["total"].parse::<f64>().unwrap());
        }
        for v in members.iter().filter(|r| r["rank"].is_empty()) {
            assert!(v["class_reason"].starts_with("veto:"), "unranked means vetoed");
        }
        let count = |c: &str| ranked.iter().filter(|r| r["computed_class"] == c).count();
        match rule {
            "henan" => {
                let n_top = round_share(n, 5000);
                let n_a = round_share(n, 1500).min(n_top);
                let n_c = round_share(n, 1000).min(n - n_top);
                assert_eq!((count("A"), count("C")), (n_a, n_c), "{group}/{pool} N={n}");
                assert_eq!(count("B"), n - n_a - n_c);
                for r in &ranked {
                    let rank: usize = r["rank"].parse().unwrap();
                    match r["computed_class"].as_str() {
                        "A" => assert!(rank <= n_top),
                        "C" => assert!(rank > n_top),
                        _ => {}
                    }
                }
            }
            _ => {
                // A .25 / B .45 / C .25 / D .05, cumulative.
                let cuts = [
                    round_share(n, 2500),
                    round_share(n, 7000),
                    round_share(n, 9500),
                    n,
                ];
                let expected = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], cuts[3] - cuts[2]];
                let got = ["A", "B", "C", "D"].map(count);
                assert_eq!(got, expected, "{group}/{pool} N={n}");
            }
        }
    }
}

#[test]
fn demo_data_under_every_preset_follows_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo(dir.path(), 3000);
    for (preset, rule) in [
        ("henan-2019", "henan"),
        ("henan-2017-trial", "henan"),
        ("zhejiang-quantile", "quantile"),
        ("huangyan-2022", "quantile"),
    ] {
        let out = dir.path().join(format!("{preset}.csv"));
        let o = mujun(&[
            "evaluate",
            "--method",
            preset,
            "--year",
            "2024",
            "--input",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{preset}: {}", stderr(&o));
        let rows = rows(&out);
        assert_eq!(rows.len(), 3000, "one row per input enterprise");
        check_pools(&rows, rule);
        let err = stderr(&o);
        assert!(err.contains("评价完成") && err.contains("sha256:"), "{err}");
        if preset == "huangyan-2022" {
            assert!(err.contains("没有加分项"), "huangyan has no bonus items: {err}");
        }
    }
}

#[test]
fn adjustments_and_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo(dir.path(), 400);
    let out = dir.path().join("r.csv");
    let first = mujun(&[
        "evaluate",
        "--method",
        "henan-2019",
        "--year",
        "2024",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(first.status.success());
    let rows = rows(&out);
    let target = rows.iter().find(|r| r["computed_class"] == "B").unwrap();
    let code = target["credit_code"].clone();
    let adj = dir.path().join("adj.csv");
    std::fs::write(
        &adj,
        format!("credit_code,class,reason\n{code},A,\"重大技改项目投产, 经市评价办研究\"\n"),
    )
    .unwrap();
    let o = mujun(&[
        "evaluate",
        "--method",
        "henan-2019",
        "--year",
        "2024",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--adjustments",
        adj.to_str().unwrap(),
        "--explain",
        &code,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = self::rows(&out);
    let r = after.iter().find(|r| r["credit_code"] == code).unwrap();
    assert_eq!(
        (r["computed_class"].as_str(), r["final_class"].as_str()),
        ("B", "A")
    );
    assert_eq!(r["class_reason"], "manual:重大技改项目投产, 经市评价办研究");
    let explanation = String::from_utf8(o.stdout).unwrap();
    assert!(
        explanation.contains(&code) && explanation.contains("人工调档"),
        "{explanation}"
    );

    std::fs::write(&adj, format!("credit_code,class,reason\n{code},Z,理由\n")).unwrap();
    let o = mujun(&[
        "evaluate",
        "--method",
        "henan-2019",
        "--year",
        "2024",
        "--input",
        input.to_str().unwrap(),
        "--output",
        dir.path().join("none.csv").to_str().unwrap(),
        "--adjustments",
        adj.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("档次“Z”"), "{}", stderr(&o));
    assert!(!dir.path().join("none.csv").exists());
}

const HEADER: &str = "credit_code,name,region_code,cluster,industry_code,scale,production_start,land_area_mu,tax_paid,profit_total,main_revenue,rd_expense,gross_output,energy_tce,electricity_kwh,pollution_eq,employees,value_added,water_m3,bonus,veto";
const GOOD: &str = "914117000000000016,甲机械有限公司,411702,驻马店装备产业集聚区,3412,above,2010-05-01,100,1500,900,30000,600,32000,4000,3000,5000,300,8000,1000,high_tech,";

/// Runs evaluate on `content`; returns stderr after checking failure and that no output exists.
fn failing(content: &str, method: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, content).unwrap();
    let out = dir.path().join("out.xlsx");
    let o = mujun(&[
        "evaluate",
        "--method",
        method,
        "--year",
        "2024",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!out.exists(), "no output on error");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    stderr(&o)
}

#[test]
fn error_paths_name_row_column_and_value() {
    let e = failing(
        &format!(
            "{}\n{}\n",
            HEADER.replace(",land_area_mu", ""),
            GOOD.replacen(",100,", ",", 1)
        ),
        "henan-2019",
    );
    assert!(e.contains("缺少必需的列“land_area_mu”"), "{e}");

    let e = failing(
        &format!(
            "{HEADER}\n{}\n",
            GOOD.replace("914117000000000016", "9141170000000000I6")
        ),
        "henan-2019",
    );
    assert!(
        e.contains("第 2 行") && e.contains("credit_code") && e.contains("不合法"),
        "{e}"
    );

    let e = failing(
        &format!("{HEADER}\n{}\n", GOOD.replace(",1500,", ",一千五,")),
        "henan-2019",
    );
    assert!(
        e.contains("第 2 行，列“tax_paid”，值“一千五”：不是有效的数字"),
        "{e}"
    );

    let e = failing(
        &format!("{HEADER}\n{}\n", GOOD.replace(",4000,3000,", ",-4000,3000,")),
        "henan-2019",
    );
    assert!(e.contains("energy_tce") && e.contains("不能为负数"), "{e}");

    let e = failing(&format!("{HEADER}\n{GOOD}\n{GOOD}\n"), "henan-2019");
    assert!(e.contains("第 3 行") && e.contains("与第 2 行重复"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let method = dir.path().join("m.toml");
    let text = mujun_engine::presets::source("henan-2019")
        .unwrap()
        .replace("max_bonus = 10.0", "max_bonus = 10.0\nmax_bonsu = 3");
    std::fs::write(&method, text).unwrap();
    let e = failing(&format!("{HEADER}\n{GOOD}\n"), method.to_str().unwrap());
    assert!(e.contains("第 7 行") && e.contains("max_bonsu"), "{e}");

    let e = failing(&format!("{HEADER}\n{GOOD}\n"), "henan-2099");
    assert!(e.contains("henan-2019"), "lists the presets: {e}");
}

#[test]
fn gbk_input_and_xlsx_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("gbk.csv");
    let text = format!("{HEADER}\r\n{GOOD}\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(&input, &gbk).unwrap();
    let out = dir.path().join("结果.xlsx");
    let o = mujun(&[
        "evaluate",
        "--method",
        "henan-2019",
        "--year",
        "2024",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let names = book.sheet_names();
    for sheet in ["汇总", "规上（above）", "规下（below）", "基准值", "不参评"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let range = book.worksheet_range("规上（above）").unwrap();
    assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "统一社会信用代码");
    assert_eq!(range.get_value((1, 1)).unwrap().to_string(), "甲机械有限公司");
}

#[test]
fn methods_commands() {
    let o = mujun(&["methods", "list"]);
    let list = String::from_utf8(o.stdout).unwrap();
    for id in [
        "henan-2019",
        "henan-2017-trial",
        "zhejiang-quantile",
        "huangyan-2022",
    ] {
        assert!(list.contains(id));
    }
    let o = mujun(&["methods", "show", "huangyan-2022"]);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        mujun_engine::presets::source("huangyan-2022").unwrap()
    );
    let o = mujun(&["methods", "show", "nope"]);
    assert!(!o.status.success());
}
