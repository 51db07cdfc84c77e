#!/usr/bin/env python3
"""Prose overlap between the built paper and its only source, the Dayoo news report.

The bundled paper must tell the report's facts in its own sentences. For every HTML page
of a built site this script reports

  (a) the longest run of consecutive Chinese characters the page shares with the seed
      (the report), after the allow-listed names, slogans and titles are taken out, and
  (b) the share of the page's Chinese characters that sit inside shared runs of at
      least N characters,

and exits 1, naming the page, the run and the limit, when a page exceeds a limit.
It builds nothing: build the site first (see .ci/run).

What counts as a character
  Only CJK ideographs count (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+20000-3FFFF).
  Everything else -- Chinese and Western punctuation, digits, Latin letters, spaces -- is
  dropped from both texts before they are compared, so a run goes on across it: a sentence
  copied with its numbers written from data ("12,873" for "12873") or with other
  punctuation is still a copied sentence. Only ideographs are counted in lengths and shares.

What counts as shared
  A run is a string of ideographs that occurs somewhere in the seed's ideographs. Before
  comparing, every allow-listed string (allow.txt, reduced to its ideographs) is cut out of
  both texts and replaced by a break that no run can cross, longest entries first; its
  characters are not counted on the page. Visible text only: <head>, <script>, <style>
  and <template> are skipped; text in inline SVG (chart labels, titles) is kept, since
  readers see it.

Usage
  overlap.py [--site public] [--seed PATH] [--allow allow.txt]
             [--min-run N] [--max-run R] [--max-share S]
  Paths default to the repository root (two folders up): public/ and
  ../shared/seeds/000_ab6749eb65077178.txt. With no seed file the script says so and exits 0.
"""

import argparse
import html.parser
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = os.path.join(ROOT, "..", "shared", "seeds", "000_ab6749eb65077178.txt")

# Limits, set from the rewritten paper (tests/prose-overlap/MEASURED.md). Before the rewrite
# the longest shared run was 63 ideographs and up to 48.5% of a page sat in runs >= 12; after
# it, the longest run on any page is 11 and no page has a run of 12 or more. The limits leave
# two characters of headroom on the run and room for about one 12-13 character run on the
# smallest page (the cover, ~650 ideographs) in the share.
MIN_RUN = 12  # N: runs at least this long count towards the share
MAX_RUN = 13  # longest shared run allowed on any page
MAX_SHARE = 2.0  # percent of a page's ideographs allowed inside shared runs of >= MIN_RUN


def is_cjk(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def ideographs(text):
    return "".join(ch for ch in text if is_cjk(ch))


class Visible(html.parser.HTMLParser):
    """Text a reader sees: everything in the document outside head, script, style, template."""

    SKIP = {"head", "script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        elif tag in ("br", "p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "tr", "text"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(path):
    p = Visible()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return "".join(p.parts)


def read_allow(path):
    """Allow-listed strings reduced to their ideographs, longest first; '#' starts a comment."""
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            s = ideographs(line)
            if s:
                out.add(s)
    return sorted(out, key=lambda s: (-len(s), s))


def cut(text, allow, brk):
    """Replaces every allow-listed string with `brk` (a character no run can cross)."""
    for a in allow:
        text = text.replace(a, brk)
    return text


class SuffixAutomaton:
    """Every substring of the seed, for matching statistics of a page against it."""

    def __init__(self, s):
        self.nxt = [{}]
        self.link = [-1]
        self.len = [0]
        last = 0
        for ch in s:
            cur = len(self.len)
            self.nxt.append({})
            self.len.append(self.len[last] + 1)
            self.link.append(0)
            p = last
            while p != -1 and ch not in self.nxt[p]:
                self.nxt[p][ch] = cur
                p = self.link[p]
            if p != -1:
                q = self.nxt[p][ch]
                if self.len[p] + 1 == self.len[q]:
                    self.link[cur] = q
                else:
                    clone = len(self.len)
                    self.nxt.append(dict(self.nxt[q]))
                    self.len.append(self.len[p] + 1)
                    self.link.append(self.link[q])
                    while p != -1 and self.nxt[p].get(ch) == q:
                        self.nxt[p][ch] = clone
                        p = self.link[p]
                    self.link[q] = clone
                    self.link[cur] = clone
            last = cur

    def matching(self, t):
        """For each i, the length of the longest substring of the seed ending at t[i]."""
        out = []
        state, length = 0, 0
        for ch in t:
            while state and ch not in self.nxt[state]:
                state = self.link[state]
                length = self.len[state]
            if ch in self.nxt[state]:
                state = self.nxt[state][ch]
                length += 1
            else:
                state, length = 0, 0
            out.append(length)
        return out


def measure(page, sam, min_run):
    """(counted ideographs, longest run, its text, ideographs inside runs >= min_run, runs >= min_run)."""
    ms = sam.matching(page)
    counted = sum(1 for ch in page if is_cjk(ch))
    best, best_end = 0, -1
    covered = [False] * len(page)
    runs = []
    for j, L in enumerate(ms):
        if L > best:
            best, best_end = L, j
        if L >= min_run:
            for k in range(j - L + 1, j + 1):
                covered[k] = True
            # A maximal run ends where the next match does not extend it.
            if j + 1 == len(ms) or ms[j + 1] != L + 1:
                runs.append(page[j - L + 1 : j + 1])
    best_text = page[best_end - best + 1 : best_end + 1] if best else ""
    return counted, best, best_text, sum(covered), runs


def pages(site):
    for d, dirs, files in os.walk(site):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".html"):
                yield os.path.relpath(os.path.join(d, f), site)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", default=os.path.join(ROOT, "public"), help="built site folder (default: public/)")
    ap.add_argument("--seed", default=SEED, help="the source report (default: ../shared/seeds/000_ab6749eb65077178.txt)")
    ap.add_argument("--allow", default=os.path.join(HERE, "allow.txt"), help="allow-listed strings, one a line")
    ap.add_argument("--min-run", type=int, default=MIN_RUN, help=f"N: runs counted in the share (default {MIN_RUN})")
    ap.add_argument("--max-run", type=int, default=MAX_RUN, help=f"longest shared run allowed (default {MAX_RUN})")
    ap.add_argument("--max-share", type=float, default=MAX_SHARE, help=f"percent in runs >= N allowed (default {MAX_SHARE})")
    ap.add_argument("--runs", action="store_true", help="also list every shared run >= N")
    a = ap.parse_args()

    if not os.path.isfile(a.seed):
        print(f"prose-overlap: skipped: no seed file at {a.seed}")
        return 0
    if not os.path.isdir(a.site):
        print(f"prose-overlap: error: no built site at {a.site} (build it first)", file=sys.stderr)
        return 2
    allow = read_allow(a.allow)
    with open(a.seed, encoding="utf-8") as f:
        seed = cut(ideographs(f.read()), allow, "\x01")
    sam = SuffixAutomaton(seed)

    failures = []
    rows = []
    for rel in pages(a.site):
        page = cut(ideographs(visible_text(os.path.join(a.site, rel))), allow, "\x00")
        counted, best, best_text, inside, runs = measure(page, sam, a.min_run)
        share = 100.0 * inside / counted if counted else 0.0
        rows.append((rel, counted, best, share, len(runs)))
        if a.runs:
            for r in runs:
                print(f"  {rel}: {len(r)}: {r}")
        if best > a.max_run:
            failures.append(f"{rel}: shares a run of {best} Chinese characters with the source (limit {a.max_run}): “{best_text}”")
        if share > a.max_share:
            failures.append(
                f"{rel}: {share:.1f}% of its {counted} Chinese characters sit in runs of >= {a.min_run} shared with the source"
                f" (limit {a.max_share}%); runs: " + "；".join(f"“{r}”" for r in runs[:5])
            )

    w = max(len(r[0]) for r in rows) if rows else 4
    print(f"{'page':<{w}}  {'汉字':>6}  {'longest':>7}  {'in runs>=' + str(a.min_run):>12}  {'runs':>4}")
    for rel, counted, best, share, n in rows:
        print(f"{rel:<{w}}  {counted:>6}  {best:>7}  {share:>11.1f}%  {n:>4}")
    print(f"limits: longest run <= {a.max_run}, share in runs >= {a.min_run} <= {a.max_share}% ({len(allow)} allow-listed strings)")
    if failures:
        for f in failures:
            print("prose-overlap: error: " + f, file=sys.stderr)
        return 1
    print(f"prose-overlap: {len(rows)} pages within the limits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
