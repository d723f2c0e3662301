#!/usr/bin/env python3
"""A peer implementation of the evaluation method preset henan-2019 in Python with polars, to
compare `mujun evaluate` with a competent dataframe implementation on the same input.

    python3 scripts/evaluate_polars.py INPUT.csv OUTPUT.csv [--year 2024] [--check MUJUN.csv]

Reads the CSV that `mujun evaluate` reads (field ids of spec §1 or their Chinese labels as
headers, units in parentheses such as 实缴税收（元） or 用地面积(平方米) converted the same way),
evaluates it with the rules of ../shared/spec/evaluation-method.md §2–§6 (scope, pools, pool-mean benchmarks, capped
ratios, missing / zero-denominator policies, bonus, vetoes, henan_two_stage classes) as polars
expressions, and writes one row per enterprise with the same columns and values as mujun's
result CSV (rows in input order within each group, then the excluded; mujun writes each pool
ranked). Phase timings (read, evaluate, write) go to stderr.

Two numeric points matter for identical ranks: benchmarks and pool averages use a correctly
rounded sum (as mujun's compensated sum; a plain `.mean()` is sometimes an ulp off), and no
column is divided by a broadcast scalar, which polars computes as a multiplication by the
reciprocal (an ulp off for about a third of values). An ulp is enough to reorder two
enterprises whose values differ by an ulp: with a plain `.mean()`, 873 of the 1,000,000
demo enterprises (seed 7) get another rank.

--check MUJUN.csv compares with mujun's result for the same input: every enterprise must have
the same excluded reason, pool, rank and classes, and a total within 1e-6; prints the number of
mismatches and a few examples, and exits 1 when there are any.

Not replicated: mujun's input validation (credit-code check characters, region codes,
thousands separators, bad-row reports, GB18030 files are decoded but full-width digits are not
mapped); the input is assumed to be valid, as the demo data is. Needs `pip install polars`.
"""
import argparse
import csv
import io
import sys
import time
from datetime import date

import polars as pl

# The preset henan-2019 (crates/engine/presets/henan-2019.toml), as data.
METHOD = {
    "id": "henan-2019",
    "industries": [(13, 43)],  # GB/T 4754 大类 ranges in scope
    "exempt_industries": [],
    "min_years_in_production": 2,
    "below_scale_min_land_mu": 5.0,
    "max_bonus": 10.0,
    "bonus_points": {
        "high_tech": 3.0,
        "listed": 3.0,
        "provincial_rd_platform": 2.0,
        "quality_award": 2.0,
        "strategic_emerging": 2.0,
    },
    "veto_items": ["major_safety_accident", "major_pollution_incident", "serious_dishonesty"],
    "groups": [
        {
            "id": "above",
            "scale": "above",
            "pool": "cluster",
            "indicators": [
                # id, weight, cap, floor, on_missing, on_zero_denominator
                ("tax_per_mu", 35.0, 2.0, 0.0, "zero", "zero"),
                ("profit_per_mu", 15.0, 2.0, 0.0, "zero", "zero"),
                ("rd_intensity", 20.0, 2.0, 0.0, "zero", "zero"),
                ("output_per_energy", 15.0, 2.0, 0.0, "zero", "zero"),
                ("tax_per_pollution", 15.0, 2.0, 0.0, "pool_average", "cap"),
            ],
            "classes": ["A", "B", "C"],
            "top_share": 5000,  # in units of 1/10000
            "a_share": 1500,
            "c_share": 1000,
            "a_selector": ("scores", ["tax_per_mu", "rd_intensity"]),
            "c_selector": ("scores", ["output_per_energy", "tax_per_pollution"]),
        },
        {
            "id": "below",
            "scale": "below",
            "pool": "all",
            "indicators": [("tax_per_mu", 100.0, 2.0, 0.0, "zero", "zero")],
            "classes": ["A", "B", "C"],
            "top_share": 5000,
            "a_share": 1500,
            "c_share": 1000,
            "a_selector": ("value", "tax_paid"),
            "c_selector": ("value", "tax_paid"),
        },
    ],
}

# Indicator formulas (spec §3): numerator, denominator (None = the figure itself).
FORMULAS = {
    "tax_per_mu": ("tax_paid", "land_area_mu"),
    "profit_per_mu": ("profit_total", "land_area_mu"),
    "revenue_per_mu": ("main_revenue", "land_area_mu"),
    "value_added_per_mu": ("value_added", "land_area_mu"),
    "rd_intensity": ("rd_expense", "main_revenue"),
    "output_per_energy": ("gross_output", "energy_tce"),
    "value_added_per_energy": ("value_added", "energy_tce"),
    "tax_per_pollution": ("tax_paid", "pollution_eq"),
    "value_added_per_pollution": ("value_added", "pollution_eq"),
    "labor_productivity": ("value_added", "employees"),
    "tax_per_kwh": ("tax_paid", "electricity_kwh"),
    "tax_paid": ("tax_paid", None),
}

# Header names (crates/batch/src/columns.rs, crates/domain/src/field.rs): id, label, aliases.
TEXT_COLUMNS = {
    "credit_code": ["统一社会信用代码", "信用代码", "社会信用代码", "统一代码"],
    "name": ["企业名称", "名称", "企业名"],
    "region_code": ["所在县区", "县区", "县区代码", "行政区划代码", "所在县区代码"],
    "cluster": ["所在产业集聚区", "产业集聚区", "集聚区", "所属集聚区"],
    "industry_code": ["国民经济行业代码", "行业代码", "所属行业代码"],
    "scale": ["规模", "规上/规下", "规上规下", "企业规模"],
    "production_start": ["投产日期", "投产时间", "投产年月日"],
    "bonus": ["加分项", "加分项目"],
    "veto": ["否决项", "否决项目"],
}
FIGURE_COLUMNS = {
    "land_area_mu": ["用地面积", "用地面积(亩)", "土地面积", "占地面积"],
    "tax_paid": ["实缴税收", "税收", "实际入库税金", "税收实际贡献"],
    "profit_total": ["利润总额"],
    "main_revenue": ["主营业务收入", "营业收入", "主营收入"],
    "rd_expense": ["研发经费投入", "研发经费", "研发投入", "R&D经费"],
    "gross_output": ["工业总产值"],
    "energy_tce": ["综合能耗", "能耗", "综合能源消费量"],
    "electricity_kwh": ["用电量"],
    "pollution_eq": ["主要污染物排放当量", "污染物排放当量", "排污当量"],
    "employees": ["年平均职工人数", "职工人数", "从业人员"],
    "value_added": ["工业增加值"],
    "water_m3": ["用水量"],
}
MONEY = {"tax_paid", "profit_total", "main_revenue", "rd_expense", "gross_output", "value_added"}
SAME_UNIT = {
    "land_area_mu": ["亩"],
    "electricity_kwh": ["万千瓦时", "万kWh", "万kwh", "万度"],
    "energy_tce": ["吨标准煤", "tce", "吨标煤"],
    "water_m3": ["立方米", "m³", "m3", "吨"],
    "pollution_eq": ["污染当量"],
    "employees": ["人"],
}


def normalize(text):
    """Trim and map full-width ASCII forms to half-width (as mujun's normalize_text)."""
    t = text.strip().strip("\ufeff").strip()
    return "".join(
        " " if c == "\u3000" else chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in t
    ).strip()


def divide(s, d):
    """s / d, correctly rounded: polars divides a column by a scalar as a multiplication by the
    reciprocal (an ulp off for about a third of values), a column by a column exactly."""
    return s / pl.select(pl.repeat(d, len(s))).to_series()


def conversion(field, unit):
    """A function applied to the column for its unit (exactly as mujun's Conversion::apply)."""
    if not unit:
        return None
    if field == "land_area_mu":
        if unit in ("亩",):
            return None
        if unit in ("平方米", "m²", "m2", "㎡", "平米"):
            return lambda s: divide(s * 3.0, 2000.0)
        if unit in ("公顷", "hm²", "hm2", "ha"):
            return lambda s: s * 15.0
    elif field in MONEY:
        if unit == "万元":
            return None
        if unit == "元":
            return lambda s: divide(s, 10_000.0)
    elif unit in SAME_UNIT.get(field, []):
        return None
    sys.exit(f"column {field}: unit “{unit}” not supported")


def layout(headers):
    """Maps file headers to (field, conversion), as mujun's parse_header."""
    names = {}
    for fid, aliases in {**TEXT_COLUMNS, **FIGURE_COLUMNS}.items():
        for n in [fid] + aliases:
            names[n] = fid
    out = {}
    for raw in headers:
        norm = normalize(raw)
        field, unit = names.get(norm), None
        if field is None:
            for open_, close in (("（", "）"), ("(", ")")):
                if norm.endswith(close) and open_ in norm[: -len(close)]:
                    i = norm[: -len(close)].rindex(open_)
                    name, unit = norm[:i].strip(), norm[i + len(open_) : -len(close)].strip()
                    field = names.get(name)
                    break
        if field is None:
            continue  # extra columns (序号, 备注 …) are ignored
        if field in out:
            sys.exit(f"two columns hold {field}")
        out[field] = (raw, conversion(field, unit) if field in FIGURE_COLUMNS else None)
    return out


def needed_figures():
    need = {"land_area_mu"}
    for g in METHOD["groups"]:
        ids = [i[0] for i in g["indicators"]]
        for kind, sel in (g["a_selector"], g["c_selector"]):
            if kind == "value":
                ids.append(sel)
        for i in ids:
            need.update(f for f in FORMULAS[i] if f)
    return need


def read(path):
    """Reads the needed columns with explicit types, renamed to field ids, in engine units."""
    with open(path, "rb") as f:
        head = f.readline()
    encoding = "utf8"
    try:
        header_text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        header_text, encoding = head.decode("gb18030"), "gb18030"
    headers = next(csv.reader([header_text]))
    cols = layout(headers)
    figures = needed_figures()
    want = ["credit_code", "name", "cluster", "industry_code", "scale", "production_start", "bonus", "veto"]
    if any(g["pool"] == "region" for g in METHOD["groups"]):
        want.append("region_code")
    for c in ["credit_code", "industry_code", "scale"] + sorted(figures):
        if c not in cols:
            sys.exit(f"missing required column {c}")
    if METHOD["min_years_in_production"] > 0 and "production_start" not in cols:
        sys.exit("missing required column production_start")
    if any(g["pool"] == "cluster" for g in METHOD["groups"]) and "cluster" not in cols:
        sys.exit("missing required column cluster")
    use = [c for c in want if c in cols] + sorted(figures)
    schema = {cols[c][0]: (pl.Float64 if c in FIGURE_COLUMNS else pl.String) for c in use}
    source = path
    if encoding != "utf8":
        with open(path, "rb") as f:
            source = io.BytesIO(f.read().decode("gb18030").encode("utf-8"))
    df = pl.read_csv(
        source,
        columns=[cols[c][0] for c in use],
        schema_overrides=schema,
        infer_schema=False,
    ).rename({cols[c][0]: c for c in use})
    conv = [cols[c][1](df[c]).alias(c) for c in use if c in FIGURE_COLUMNS and cols[c][1]]
    missing = [pl.lit(None, pl.String).alias(c) for c in want if c not in cols]
    if conv or missing:
        df = df.with_columns(conv + missing)
    return df


def items_expr(col):
    """The item ids of a bonus / veto cell as a list (separators ; ； 、)."""
    return (
        pl.col(col)
        .str.replace_all("[；、]", ";")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
    )


def exact_means(lf, columns, key):
    """Joins `<c>_mean` for each column c: the mean of its non-null values per pool, with the sum
    correctly rounded, as the engine's compensated sum (a plain float sum can be an ulp off, and
    an ulp of a benchmark is enough to reorder two enterprises whose values differ by an ulp).
    Each value is split into a multiple of a power of two u, chosen from the pool's largest |x|
    and summed exactly as integers, and a small exact remainder summed in floating point; the two
    parts are added once."""
    c = pl.col
    lf = lf.collect().lazy()  # used twice below: compute it once
    scales = lf.group_by(key).agg(c(x).abs().max().alias(f"{x}_u") for x in columns).with_columns(
        pl.lit(2.0)
        .pow((c(f"{x}_u").log(2).floor() - 30.0).clip(-1000.0, 1000.0).fill_nan(0.0).fill_null(0.0))
        .alias(f"{x}_u")
        for x in columns
    )
    q = {x: (c(x) / c(f"{x}_u")).round() for x in columns}
    means = (
        lf.select(key, *columns)
        .join(scales, on=key, how="left")
        .group_by(key)
        .agg(
            expr
            for x in columns
            for expr in (
                q[x].cast(pl.Int64).sum().alias(f"{x}_high"),
                (c(x) - q[x] * c(f"{x}_u")).sum().alias(f"{x}_low"),
                c(x).count().alias(f"{x}_n"),
                c(f"{x}_u").first(),
            )
        )
        .select(
            key,
            *(
                pl.when(c(f"{x}_n") > 0)
                .then((c(f"{x}_high").cast(pl.Float64) * c(f"{x}_u") + c(f"{x}_low")) / c(f"{x}_n"))
                .alias(f"{x}_mean")
                for x in columns
            ),
        )
        .collect()
    )
    # One value per pool, looked up per row (a full column: polars divides by a broadcast
    # scalar as a multiplication by its reciprocal, which is not the correctly rounded x / b).
    return lf.with_columns(
        c(key).replace_strict(means[key], means[f"{x}_mean"], default=None, return_dtype=pl.Float64).alias(f"{x}_mean")
        for x in columns
    )


def round_share(n, units):
    """round(N × share), half up, exactly in integers: ⌊(N × units + 5000) / 10000⌋."""
    return (n * units + 5000) // 10000


def evaluate_group(lf, g, m):
    """Scores, ranks and classes the evaluated enterprises of one group (spec §4–§6)."""
    c = pl.col
    key = "pid"
    specs = g["indicators"]
    ids = [s[0] for s in specs]

    # Indicator values (spec §3): null when undefined; a zero denominator with a non-zero
    # numerator told apart from missing (0/0 counts as missing).
    values = []
    for i in ids:
        num, den = FORMULAS[i]
        if den is None:
            values += [c(num).alias(i), pl.lit(False).alias(f"{i}_zden")]
        else:
            values += [
                pl.when(c(den) != 0.0).then(c(num) / c(den)).alias(i),
                ((c(den) == 0.0) & (c(num) != 0.0)).fill_null(False).alias(f"{i}_zden"),
            ]

    def selector(sel):
        kind, arg = sel
        if kind == "scores":
            e = c(f"{arg[0]}_score")
            for i in arg[1:]:
                e = e + c(f"{i}_score")
            return e
        if kind == "value":
            num, den = FORMULAS[arg]
            e = c(num) if den is None else pl.when(c(den) != 0.0).then(c(num) / c(den))
            return e.fill_null(0.0)
        return c("total")

    bonus = pl.sum_horizontal(
        pl.when(c("bonus_items").list.contains(item)).then(points).otherwise(0.0)
        for item, points in m["bonus_points"].items()
    )
    veto = pl.lit(None, pl.String)
    for item in reversed(m["veto_items"]):
        veto = pl.when(c("veto_items").list.contains(item)).then(pl.lit(f"veto:{item}")).otherwise(veto)
    selector_figures = list(
        dict.fromkeys(f for s in (g["a_selector"], g["c_selector"]) if s[0] == "value" for f in FORMULAS[s[1]] if f)
    )
    lf = lf.select(
        "credit_code", "name", "group", "pool", key, *selector_figures, *values,
        bonus=pl.min_horizontal(bonus, m["max_bonus"]) + 0.0,
        veto_reason=veto,
    )

    # Benchmarks (pool mean, vetoed included) and ratio scores of defined values.
    lf = exact_means(lf, ids, key)
    scored = []
    for i, w, cap, floor, _, _ in specs:
        x, b = c(i), c(f"{i}_mean")
        ratio = pl.when(b > 0.0).then((x / b).clip(floor, cap)).otherwise(0.0)
        scored.append(pl.when(x.is_not_null()).then(w * ratio + 0.0 if w != 0.0 else pl.lit(0.0)).alias(f"{i}_score"))
    lf = lf.with_columns(scored).rename({f"{i}_mean": f"{i}_benchmark" for i in ids})

    # Undefined values by policy; "pool_average" = mean of the pool's defined scores.
    averaged = [f"{s[0]}_score" for s in specs if "pool_average" in s[4:]]
    if averaged:
        lf = exact_means(lf, averaged, key)
    policy_scores, bases = [], []
    for i, w, cap, floor, on_missing, on_zero in specs:
        x, b = c(i), c(f"{i}_benchmark")

        def policy(p, i=i, w=w, cap=cap):
            return {"zero": pl.lit(0.0), "cap": pl.lit(w * cap + 0.0), "pool_average": c(f"{i}_score_mean").fill_null(0.0)}[p]

        policy_scores.append(
            pl.when(x.is_not_null()).then(c(f"{i}_score"))
            .when(c(f"{i}_zden")).then(policy(on_zero))
            .otherwise(policy(on_missing))
            .alias(f"{i}_score")
        )
        bases.append(
            pl.when(x.is_not_null()).then(
                pl.when(b.is_null() | (b <= 0.0)).then(pl.lit("benchmark_not_positive"))
                .when(x / b > cap).then(pl.lit("cap"))
                .when(x / b < floor).then(pl.lit("floor"))
            )
            .when(c(f"{i}_zden")).then(pl.lit(f"zero_denominator:{on_zero}"))
            .otherwise(pl.lit(f"missing:{on_missing}"))
            .alias(f"{i}_basis")
        )
    base = c(f"{ids[0]}_score")
    for i in ids[1:]:
        base = base + c(f"{i}_score")
    lf = (
        lf.with_columns(policy_scores + bases)
        # Base: a left-to-right sum in the group's order, as the engine's.
        .with_columns(base=base + 0.0)
        .with_columns(total=c("base") + c("bonus"))
        .with_columns(
            a_sel=selector(g["a_selector"]) + 0.0,
            c_sel=selector(g["c_selector"]) + 0.0,
            vetoed=c("veto_reason").is_not_null(),
            row=pl.int_range(pl.len(), dtype=pl.UInt32),
        )
    )

    lf = lf.collect().lazy()  # used twice below: compute it once

    # Ranks and classes on a narrow frame: the non-vetoed by total desc, code asc (the vetoed
    # after them, unranked); then henan_two_stage (spec §6.1) within each half by selector
    # desc, then rank.
    size = c("pool_size").cast(pl.Int64)
    ranked = (
        lf.select("row", key, "vetoed", "total", "credit_code", "a_sel", "c_sel")
        .sort([key, "vetoed", "total", "credit_code"], descending=[False, False, True, False])
        .with_columns(
            rank=pl.when(~c("vetoed")).then(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over([key, "vetoed"])),
            pool_size=(~c("vetoed")).sum().over(key).cast(pl.UInt32),
        )
        .with_columns(n_top=round_share(size, g["top_share"]))
        .with_columns(
            top=c("rank") <= c("n_top"),
            n_a=pl.min_horizontal(round_share(size, g["a_share"]), c("n_top")),
            n_c=pl.min_horizontal(round_share(size, g["c_share"]), size - c("n_top")),
        )
        .select(
            "row", key, "vetoed", "rank", "pool_size", "top", "n_a", "n_c",
            sel=pl.when(c("top")).then(c("a_sel")).otherwise(c("c_sel")),
        )
        .sort([key, "vetoed", "top", "sel", "rank"], descending=[False, False, False, True, False])
        .with_columns(
            pos=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over([key, "vetoed", "top"]),
            half=pl.len().over([key, "vetoed", "top"]),
        )
        .select(
            "row", "rank", "pool_size",
            computed_class=pl.when(c("vetoed")).then(pl.lit(g["classes"][-1]))
            .when(c("top") & (c("pos") <= c("n_a"))).then(pl.lit("A"))
            .when(~c("top") & (c("pos") > c("half") - c("n_c"))).then(pl.lit("C"))
            .otherwise(pl.lit("B")),
        )
        .sort("row")
        .drop("row")
    )
    # Back in row order beside the scores (input order within the group; mujun writes its pools
    # in order, ranked then vetoed, which this does not redo).
    return (
        pl.concat([lf, ranked], how="horizontal")
        .with_columns(
            excluded_reason=pl.lit(None, pl.String),
            final_class=c("computed_class"),
            class_reason=pl.when(c("veto_reason").is_not_null()).then(c("veto_reason"))
            .when(c("computed_class") == "A").then(pl.lit("quota A"))
            .when(c("computed_class") == "C").then(pl.lit("quota C"))
            .otherwise(pl.lit("default B")),
        )
        .rename({i: f"{i}_value" for i in ids})
        .select(RESULT_COLUMNS + [f"{i}_{s}" for i in ids for s in ("value", "benchmark", "score", "basis")])
    )


RESULT_COLUMNS = [
    "credit_code", "name", "group", "pool", "excluded_reason", "rank", "pool_size",
    "base", "bonus", "total", "computed_class", "final_class", "class_reason",
]


def evaluate(df, year):
    m = METHOD
    groups = m["groups"]
    c = pl.col

    # Scope (spec §2): the first applicable exclusion reason, in the spec's order.
    division = c("industry_code").str.strip_chars().str.slice(-4).cast(pl.Int32) // 100
    in_scope = pl.any_horizontal([division.is_between(a, b) for a, b in m["industries"]])
    exempt = pl.any_horizontal([division.is_between(a, b) for a, b in m["exempt_industries"]] or [pl.lit(False)])
    start = c("production_start").str.strip_chars().str.replace_all("[/.]", "-").str.to_date("%Y-%m-%d", strict=False)
    years = m["min_years_in_production"]
    too_new = (start > date(max(year - years + 1, 1), 1, 1)).fill_null(False) if years > 0 else pl.lit(False)
    land = c("land_area_mu").fill_null(0.0)
    scale = c("scale").str.strip_chars().replace_strict(
        {"above": "above", "ABOVE": "above", "Above": "above", "规上": "above", "规模以上": "above",
         "below": "below", "BELOW": "below", "Below": "below", "规下": "below", "规模以下": "below"},
        default=None,
    )
    cluster = c("cluster").str.strip_chars()
    group, pool = pl.lit(None, pl.String), pl.lit(None, pl.String)
    for g in reversed(groups):
        by = {"cluster": c("cluster"), "all": pl.lit("all"), "region": c("region_code")}[g["pool"]]
        group = pl.when(c("scale") == g["scale"]).then(pl.lit(g["id"])).otherwise(group)
        pool = pl.when(c("scale") == g["scale"]).then(by).otherwise(pool)
    reason = (
        pl.when(~in_scope).then(pl.lit("industry_out_of_scope"))
        .when(exempt).then(pl.lit("exempt_industry"))
        .when(too_new).then(pl.lit("too_new"))
        .when(land <= 0.0).then(pl.lit("no_land"))
        .when((c("scale") == "below") & (land < m["below_scale_min_land_mu"])).then(pl.lit("below_min_land"))
        .when(c("group").is_null()).then(pl.lit("no_group"))
        .when(c("pool").is_null()).then(pl.lit("no_cluster"))
    )
    lf = (
        df.lazy()
        .with_columns(scale=scale, cluster=pl.when(cluster != "").then(cluster))
        .with_columns(group=group, pool=pool)
        .with_columns(excluded_reason=reason)
        .collect()  # used by every group and for the excluded: compute it once
        .lazy()
    )
    parts = [
        evaluate_group(
            lf.filter(c("excluded_reason").is_null() & (c("group") == g["id"])).with_columns(
                bonus_items=items_expr("bonus"),
                veto_items=items_expr("veto"),
                # A dense pool id (pools are ranked independently).
                pid=c("pool").cast(pl.Categorical).to_physical(),
            ),
            g,
            m,
        )
        for g in groups
    ]
    excluded = lf.filter(c("excluded_reason").is_not_null()).select(
        "credit_code", "name", "excluded_reason",
        computed_class=pl.lit("X"), final_class=pl.lit("X"), class_reason=c("excluded_reason"),
    )
    return pl.concat(pl.collect_all(parts + [excluded]), how="diagonal")


def check(result, mujun_path):
    """Compares with mujun's result CSV; returns the number of mismatching enterprises."""
    theirs = pl.read_csv(
        mujun_path,
        columns=["credit_code", "pool", "excluded_reason", "rank", "total", "computed_class", "final_class"],
        schema_overrides={"credit_code": pl.String, "pool": pl.String, "excluded_reason": pl.String,
                          "rank": pl.Int64, "total": pl.Float64, "computed_class": pl.String, "final_class": pl.String},
    )
    ours = result.select("credit_code", "pool", "excluded_reason", pl.col("rank").cast(pl.Int64), "total",
                         "computed_class", "final_class")
    j = ours.join(theirs, on="credit_code", how="full", suffix="_mujun", coalesce=True)

    def differs(c):
        a, b = pl.col(c), pl.col(f"{c}_mujun")
        return a.ne_missing(b)

    tol = 1e-6
    total_bad = (pl.col("total").is_null() != pl.col("total_mujun").is_null()) | (
        (pl.col("total") - pl.col("total_mujun")).abs() > tol
    ).fill_null(False)
    bad = j.with_columns(
        bad_class=differs("computed_class") | differs("final_class"),
        bad_rank=differs("rank"),
        bad_total=total_bad,
        bad_scope=differs("excluded_reason") | differs("pool"),
    ).with_columns(bad=pl.any_horizontal("bad_class", "bad_rank", "bad_total", "bad_scope"))
    n_bad = bad["bad"].sum()
    max_diff = j.select((pl.col("total") - pl.col("total_mujun")).abs().max()).item()
    print(
        f"check against {mujun_path}: {j.height} enterprises (ours {ours.height}, mujun {theirs.height}), "
        f"{n_bad} mismatches (class {bad['bad_class'].sum()}, rank {bad['bad_rank'].sum()}, "
        f"total>1e-6 {bad['bad_total'].sum()}, scope/pool {bad['bad_scope'].sum()}); "
        f"max |total - mujun total| = {max_diff!r}",
        file=sys.stderr,
    )
    for r in bad.filter("bad").head(8).iter_rows(named=True):
        fields = ("pool", "excluded_reason", "rank", "total", "computed_class", "final_class")
        print(
            f"  {r['credit_code']}: polars " + " ".join(f"{f}={r[f]!r}" for f in fields)
            + "\n  " + " " * 20 + "mujun  " + " ".join(f"{f}={r[f + '_mujun']!r}" for f in fields),
            file=sys.stderr,
        )
    return n_bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--year", type=int, default=2024, help="data year Y (default 2024)")
    ap.add_argument("--check", metavar="MUJUN_RESULT_CSV", help="compare with mujun's result CSV")
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = read(args.input)
    t1 = time.perf_counter()
    result = evaluate(df, args.year)
    t2 = time.perf_counter()
    result.write_csv(args.output)
    t3 = time.perf_counter()
    counts = result.group_by("group", "final_class").len().sort("group", "final_class", nulls_last=True)
    summary = ", ".join(f"{g or 'excluded'} {c} {n}" for g, c, n in counts.iter_rows())
    print(
        f"polars {pl.__version__} ({pl.thread_pool_size()} threads): {result.height} enterprises → {args.output} [{summary}]",
        file=sys.stderr,
    )
    print(f"  time: read {t1 - t0:.3f}s, evaluate {t2 - t1:.3f}s, write {t3 - t2:.3f}s", file=sys.stderr)
    if args.check:
        sys.exit(1 if check(result, args.check) else 0)


if __name__ == "__main__":
    main()
