//! The numbered pager of long lists: 上一页, the first and last page, two pages either side of
//! the current one with "…" for the gaps, 下一页. Drawn by `templates/pager.html`.

/// A link of the pager (an empty `href` is a gap).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PageLink {
    pub(crate) label: String,
    pub(crate) href: String,
    pub(crate) current: bool,
}

/// The links for page `page` of `pages` (none when there is a single page); `href(p)` is the
/// address of page `p`.
pub(crate) fn numbered(page: i64, pages: i64, href: impl Fn(i64) -> String) -> Vec<PageLink> {
    let mut out = Vec::new();
    if pages <= 1 {
        return out;
    }
    let link = |label: String, p: i64, current: bool| PageLink {
        label,
        href: href(p),
        current,
    };
    if page > 1 {
        out.push(link("上一页".into(), page - 1, false));
    }
    let mut last_shown = 0;
    for p in 1..=pages {
        if p == 1 || p == pages || (p - page).abs() <= 2 {
            if p - last_shown > 1 {
                out.push(PageLink {
                    label: "…".into(),
                    href: String::new(),
                    current: false,
                });
            }
            out.push(link(p.to_string(), p, p == page));
            last_shown = p;
        }
    }
    if page < pages {
        out.push(link("下一页".into(), page + 1, false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered;

    fn labels(page: i64, pages: i64) -> Vec<String> {
        numbered(page, pages, |p| format!("?page={p}"))
            .into_iter()
            .map(|l| {
                if l.current {
                    format!("[{}]", l.label)
                } else {
                    l.label
                }
            })
            .collect()
    }

    #[test]
    fn first_last_neighbours_and_gaps() {
        assert!(labels(1, 1).is_empty());
        assert_eq!(labels(1, 3), ["[1]", "2", "3", "下一页"]);
        assert_eq!(
            labels(10, 20),
            [
                "上一页",
                "1",
                "…",
                "8",
                "9",
                "[10]",
                "11",
                "12",
                "…",
                "20",
                "下一页"
            ]
        );
        assert_eq!(labels(20, 20), ["上一页", "1", "…", "18", "19", "[20]"]);
        let links = numbered(2, 9, |p| format!("?page={p}"));
        assert_eq!(links[0].href, "?page=1", "上一页 goes back one");
        assert_eq!(
            links.iter().find(|l| l.label == "…").map(|l| l.href.as_str()),
            Some("")
        );
    }
}
