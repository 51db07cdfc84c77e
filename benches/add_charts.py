#!/usr/bin/env python3
"""Copy a baipi site made by ../shared/bench/gen_corpus.py (its neutral/ folder) and give every
chapter one chart, to time charts against the same corpus without them.

usage: add_charts.py [--no-charts] NEUTRAL_DIR OUT_DIR

Adds data/regions{0..7}.yaml (a breakdown of four regions each) and, to each chapter's front
matter, `charts:` with one chart (bar, hbar, donut, stacked in turn) of one of them; the
chart is not placed with figure(), so baipi appends it to the end of the chapter. The
project's themes/ (beside this script's folder) is copied into OUT_DIR, so `baipi --root
OUT_DIR build` works as it is.

A site with datasets is fact-checked and one without is not, so the neutral corpus is not the
baseline to compare with: --no-charts writes the same site with the datasets but no charts,
which differs from the charted one by the charts alone. (The corpus's prose types its numbers
by hand, so both builds warn that thousands of numbers match no data; that is expected.)
"""
import os
import re
import shutil
import sys

PARTS = [("east", "东部地区"), ("central", "中部地区"), ("west", "西部地区"), ("northeast", "东北地区")]
KINDS = ["bar", "hbar", "donut", "stacked"]
THEMES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "themes")


def main():
    args = sys.argv[1:]
    charts = "--no-charts" not in args
    args = [a for a in args if a != "--no-charts"]
    if len(args) != 2:
        sys.exit(__doc__.strip().split("\n\n")[1])
    src, out = args
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, out)
    shutil.rmtree(os.path.join(out, "themes"), ignore_errors=True)
    shutil.copytree(THEMES, os.path.join(out, "themes"))
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    for k in range(8):
        values = [1000 + (k * 7919 + i * 104729) % 50000 for i in range(len(PARTS))]
        lines = [f"title: 分地区指标{k}", "as_of: 2023-12", "unit: 亿元", "source: 基准测试生成数据",
                 f"total: {sum(values)}", "breakdowns:", "  by_region:", "    title: 按地区划分",
                 "    complete: true", "    parts:"]
        lines += [f"      - {{ key: {key}, label: {label}, value: {v} }}" for (key, label), v in zip(PARTS, values)]
        with open(os.path.join(out, "data", f"regions{k}.yaml"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    if not charts:
        return
    content = os.path.join(out, "content")
    for i, name in enumerate(sorted(n for n in os.listdir(content) if n.endswith(".md"))):
        path = os.path.join(content, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        chart = (f"charts:\n  - {{ id: c{i}, type: {KINDS[i % 4]}, data: regions{i % 8}.by_region, "
                 f"title: \"图表{i} 分地区构成\" }}\n")
        text = re.sub(r"\n---\n", "\n" + chart + "---\n", text, count=1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
