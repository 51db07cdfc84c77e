#!/usr/bin/env python3
"""Every fact of the source report is still on the built paper.

facts.tsv pairs each fact of the report (its words, verbatim) with the page that states it
and what that page must show. This script checks, for every row, that the page's visible
text (as overlap.py extracts it, whitespace removed) holds every needle, and -- when the
seed is present -- that the report's words are still in the seed (so the list cannot drift
from its source). Exits 1 naming each missing fact.

Usage: facts.py [--site public] [--seed PATH] [--facts facts.tsv]
"""

import argparse
import os
import re
import sys

import overlap

HERE = os.path.dirname(os.path.abspath(__file__))


def squeeze(s):
    return re.sub(r"\s+", "", s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", default=os.path.join(overlap.ROOT, "public"))
    ap.add_argument("--seed", default=overlap.SEED)
    ap.add_argument("--facts", default=os.path.join(HERE, "facts.tsv"))
    a = ap.parse_args()

    seed = None
    if os.path.isfile(a.seed):
        with open(a.seed, encoding="utf-8") as f:
            seed = squeeze(f.read())
    pages = {}
    missing = []
    rows = 0
    with open(a.facts, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            words, page, needles = line.split("\t")
            rows += 1
            if seed is not None and squeeze(words) not in seed:
                missing.append(f"facts.tsv:{n}: the report's words are not in the seed: “{words}”")
            if page not in pages:
                path = os.path.join(a.site, page)
                pages[page] = squeeze(overlap.visible_text(path)) if os.path.isfile(path) else None
            text = pages[page]
            if text is None:
                missing.append(f"facts.tsv:{n}: no page {page} in {a.site}")
                continue
            for needle in needles.split(" && "):
                if squeeze(needle) not in text:
                    missing.append(f"facts.tsv:{n}: {page} lacks “{needle}” (the report: “{words}”)")
    for m in missing:
        print("facts: error: " + m, file=sys.stderr)
    if missing:
        return 1
    print(f"facts: all {rows} facts of the report found on the built pages" + ("" if seed is not None else " (seed absent: not re-checked against it)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
