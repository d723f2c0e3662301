//! Chinese everywhere a person looks (issue 12): every page each role can reach by following
//! links — with a published run, its notice, an objection, a collection round and the policies
//! present — is read as a person reads it (tags, scripts and the folded 可复现信息 block left
//! out), and fails on any internal code: English statuses and class kinds, indicator and field
//! ids, source prefixes, role codes, debug output.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet, VecDeque};

use axum::http::{StatusCode, header};
use common::*;

const ROLES: [&str; 9] = [
    "admin",
    "city",
    "tax",
    "yicheng",
    "zhuangbei",
    "qiye",
    "auditor",
    "leader",
    "secadmin",
];

/// Words no person should read on a page (whole words, case-sensitive).
const CODES: &[&str] = &[
    // classes' pools, quotas and statuses
    "above",
    "below",
    "quota",
    "default",
    "preset",
    "correction",
    "veto",
    "bonus",
    "operating",
    "stopped",
    "closed",
    "draft",
    "noticed",
    "approved",
    "published",
    "pending",
    "rejected",
    "accepted",
    "failed",
    "running",
    "active",
    // roles
    "sys_admin",
    "city_admin",
    "security_admin",
    // fields and indicators
    "land_area_mu",
    "tax_paid",
    "profit_total",
    "main_revenue",
    "rd_expense",
    "gross_output",
    "energy_tce",
    "electricity_kwh",
    "pollution_eq",
    "employees",
    "value_added",
    "water_m3",
    "tax_per_mu",
    "profit_per_mu",
    "rd_intensity",
    "output_per_energy",
    "tax_per_pollution",
    // the presets' ids (a method reads by its name)
    "henan-2019",
    "henan-2017-trial",
    "zhejiang-quantile",
    "huangyan-2022",
    // debug output
    "None",
    "Some",
    "null",
    "undefined",
    "NaN",
];

/// Prefixes of stored codes that must never show as they are stored.
const PREFIXES: &[&str] = &["run:", "history:", "preset:", "file:", "veto:", "bonus:"];

/// The text a person sees: no tags, scripts, styles, attribute values, folded reproduction
/// details, folded advanced views (a method's TOML) or the text being edited in a form.
fn visible_text(html: &str) -> String {
    let mut s = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<details class=\"reproduce\"", "</details>"),
        ("<details class=\"advanced\"", "</details>"),
        ("<textarea", "</textarea>"),
    ] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, " ");
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The internal codes in a text, each with a little of its context.
fn codes_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for code in CODES {
        for (i, _) in text.match_indices(code) {
            let before = text[..i].chars().next_back();
            let after = text[i + code.len()..].chars().next();
            if before.is_none_or(|c| !is_word(c)) && after.is_none_or(|c| !is_word(c)) {
                found.push(context(text, i, code.len()));
            }
        }
    }
    for p in PREFIXES {
        for (i, _) in text.match_indices(p) {
            let before = text[..i].chars().next_back();
            if before.is_none_or(|c| !is_word(c)) {
                found.push(context(text, i, p.len()));
            }
        }
    }
    found
}

fn context(text: &str, at: usize, len: usize) -> String {
    let start = text[..at].char_indices().rev().nth(15).map_or(0, |(i, _)| i);
    let end = text[at + len..]
        .char_indices()
        .nth(15)
        .map_or(text.len(), |(i, _)| at + len + i);
    text[start..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The same-site links of a page (GET targets), without fragments.
fn links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/")
        .filter_map(|(i, _)| {
            let rest = &html[i + 6..];
            let end = rest.find('"')?;
            let link = rest[..end].replace("&amp;", "&");
            Some(link.split('#').next().unwrap_or("").to_owned())
        })
        .filter(|l| !l.starts_with("/static") && !l.starts_with("/api/") && l != "/logout")
        .collect()
}

/// The shape of a link: digits and query values left out, so that one enterprise, run or page
/// of a list stands for all of its kind.
fn shape(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let path: String = path
        .split('/')
        .map(|p| {
            if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) {
                "N"
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{path}?{}", keys.join("&"))
}

async fn set_the_stage(s: &TestServer) {
    let city = s
        .app
        .login("city", PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor;
    let depts = s.app.reference(&city).await.unwrap().departments;
    let tax = depts.iter().find(|d| d.code == "tax").unwrap().id;
    s.app
        .open_round(&city, 2024, "", &[(tax, "2030-01-01".into())])
        .await
        .unwrap();
    run_in_notice(s, None).await;
}

#[tokio::test]
async fn no_page_of_any_role_shows_an_internal_code() {
    each(async |s| {
        set_the_stage(s).await;
        let mut problems: Vec<String> = Vec::new();
        for role in ROLES {
            let b = s.login(role).await;
            let mut seen: HashSet<String> = HashSet::new();
            let mut shapes: HashMap<String, usize> = HashMap::new();
            let mut queue: VecDeque<String> = VecDeque::from(["/".to_owned()]);
            let mut pages = 0;
            while let Some(link) = queue.pop_front() {
                if !seen.insert(link.clone()) || pages >= 400 {
                    continue;
                }
                let n = shapes.entry(shape(&link)).or_insert(0);
                *n += 1;
                if *n > 2 {
                    continue;
                }
                let page = s.get(&link, Some(&b)).await;
                let html = page
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|t| t.starts_with("text/html"));
                if page.status != StatusCode::OK || !html {
                    continue;
                }
                pages += 1;
                for found in codes_in(&visible_text(&page.body)) {
                    problems.push(format!("{role} {link}: …{found}…"));
                }
                queue.extend(links(&page.body));
            }
            eprintln!("{}: {role} read {pages} pages", s.name);
            assert!(pages > 3, "{}: {role} reached only {pages} pages", s.name);
        }
        problems.sort();
        problems.dedup();
        assert!(
            problems.is_empty(),
            "{}: {} internal codes on pages:\n{}",
            s.name,
            problems.len(),
            problems.join("\n")
        );
    })
    .await;
}

#[test]
fn the_reader_sees_text_not_markup() {
    let html = r#"<p title="above">规上 <b>A</b></p><script>var x = "below";</script>
        <details class="reproduce"><summary>可复现信息</summary>preset:henan-2019</details><td>quota A</td>"#;
    let text = visible_text(html);
    assert!(!text.contains("above") && !text.contains("below") && !text.contains("preset"));
    let found = codes_in(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("quota A"), "{found:?}");
    assert!(codes_in("驿城区 abovementioned").is_empty());
    assert_eq!(
        shape("/runs/12/enterprises/345?year=2024&page=2"),
        "/runs/N/enterprises/N?page&year"
    );
}
