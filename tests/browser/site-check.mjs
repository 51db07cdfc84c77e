// The reader's checks, against the built site served by a real web server (nginx, under a sub-path):
//  - axe-core finds no accessibility violations on any page (phone and desktop width);
//  - every link and asset answers 200, and every #anchor exists on its page;
//  - no page scrolls sideways at 375 px;
//  - the search box finds the right chapter for Chinese and mixed queries;
//  - each page's compressed weight (HTML + CSS + JS it loads) stays under 60 KB;
//  - the downloads the sitemap lists (the PDF edition) are served as what they are.
// usage: node site-check.mjs BASE_URL   (e.g. http://127.0.0.1:8089/tianhe-2021/)
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const base = process.argv[2];
const origin = new URL(base).origin;
let passed = 0, failed = 0;
const fail = (m) => { failed++; console.log('FAIL ' + m); };
const ok = (m) => { passed++; console.log('ok   ' + m); };

async function fetchText(url) { const r = await fetch(url); return { status: r.status, body: await r.text(), type: r.headers.get('content-type') || '' }; }

// Pages: the sitemap plus the pages it does not list; the files it lists that are not pages
// (the PDF edition) are downloads.
const sitemap = await fetchText(base + 'sitemap.xml');
const listed = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map(m => m[1]);
const isPage = (u) => u.endsWith('/') || u.endsWith('.html');
const pages = listed.filter(isPage);
const downloads = listed.filter(u => !isPage(u));
for (const p of [base + 'search/', base + 'full/']) if (!pages.includes(p)) pages.push(p);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// 1. axe-core, horizontal scroll, and the links of every page.
const links = new Map(); // url → page it was found on
const anchors = [];      // [page, url with #]
for (const width of [375, 1280]) {
  // axe-core is injected as a script of the test's own, which the site's CSP rightly refuses: bypassed here only.
  const page = await browser.newPage({ viewport: { width, height: 900 }, bypassCSP: true });
  for (const url of pages) {
    const resp = await page.goto(url);
    if (!resp || resp.status() !== 200) { fail(`${url} answered ${resp && resp.status()}`); continue; }
    await page.addScriptTag({ path: axePath });
    const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    if (res.violations.length) {
      for (const v of res.violations) fail(`axe ${width}px ${url}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    } else ok(`axe ${width}px ${url}: 0 violations`);
    if (width === 375) {
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) fail(`${url} scrolls sideways by ${over}px at 375px`); else ok(`no sideways scroll at 375px: ${url}`);
    } else {
      const found = await page.evaluate(() => [...document.querySelectorAll('a[href], link[href], script[src], img[src]')].map(e => e.href || e.src));
      for (const f of found) {
        const u = new URL(f, url);
        if (u.origin !== origin) continue;
        if (u.hash) anchors.push([url, u.href]);
        u.hash = '';
        if (!links.has(u.href)) links.set(u.href, url);
      }
    }
  }
  await page.close();
}
let bad = 0;
for (const [u, from] of links) {
  const r = await fetch(u);
  if (r.status !== 200) { bad++; fail(`${u} (linked from ${from}) answered ${r.status}`); }
}
if (!bad) ok(`${links.size} links and assets answer 200`);
const pageCache = new Map();
let badAnchors = 0;
for (const [from, href] of anchors) {
  const u = new URL(href); const id = decodeURIComponent(u.hash.slice(1)); u.hash = '';
  if (!pageCache.has(u.href)) pageCache.set(u.href, (await fetchText(u.href)).body);
  const html = pageCache.get(u.href);
  if (!html.includes(`id="${id}"`)) { badAnchors++; fail(`${href} (from ${from}): no element with id "${id}"`); }
}
if (!badAnchors) ok(`${anchors.length} #anchors point at existing ids`);

// 2. A missing page gets the 404 page with status 404.
const missing = await fetch(base + 'no-such-page/');
if (missing.status === 404 && (await missing.text()).includes('页面未找到')) ok('missing page: 404 with the site\'s 404 page'); else fail(`missing page answered ${missing.status}`);

// 3. Search.
const queries = [
  ['猎德', 'achievements/'], ['党员突击队', 'achievements/'], ['三会一课', 'achievements/'],
  ['研究生', 'portrait/'], ['红联共建', 'innovations/'], ['WebVision', 'achievements/'],
];
const sp = await browser.newPage({ viewport: { width: 375, height: 900 } });
for (const [q, want] of queries) {
  await sp.goto(base + 'overview/');
  await sp.fill('#site-q', q);
  await sp.press('#site-q', 'Enter');
  await sp.waitForFunction(() => { const s = document.getElementById('search-status'); return s && s.textContent && !s.textContent.startsWith('正在'); }, null, { timeout: 10000 });
  const r = await sp.evaluate(() => ({
    first: (document.querySelector('#search-results li a') || {}).href || '',
    mark: (document.querySelector('#search-results li p mark') || {}).textContent || '',
  }));
  if (r.first.startsWith(base + want) && r.mark.toLowerCase() === q.toLowerCase()) ok(`search “${q}” → ${r.first.slice(base.length)} with “${r.mark}” highlighted`);
  else fail(`search “${q}”: first result ${r.first || '(none)'}, highlighted “${r.mark}”, expected ${want}`);
}
await sp.close();
await browser.close();

// 4. Page weight: compressed HTML + the CSS and JS it loads (fonts excluded).
for (const url of pages) {
  const html = (await fetchText(url)).body;
  let size = zlib.gzipSync(html).length;
  for (const m of html.matchAll(/(?:href|src)="([^"]+\.(?:css|js))"/g)) size += zlib.gzipSync((await fetchText(new URL(m[1], url).href)).body).length;
  const kb = (size / 1024).toFixed(1);
  if (size > 60 * 1024) fail(`${url} weighs ${kb} KB compressed (> 60 KB)`); else ok(`${url} weighs ${kb} KB compressed`);
}

// 5. Downloads: a PDF is served as one.
for (const url of downloads) {
  const r = await fetch(url);
  const bytes = Buffer.from(await r.arrayBuffer());
  const type = r.headers.get('content-type') || '';
  if (url.endsWith('.pdf') && !(r.status === 200 && type.startsWith('application/pdf') && bytes.subarray(0, 5).toString() === '%PDF-')) {
    fail(`${url}: status ${r.status}, ${type}, not a PDF`);
  } else if (r.status !== 200) fail(`${url} answered ${r.status}`);
  else ok(`download ${url}: ${type}, ${(bytes.length / 1024).toFixed(0)} KB`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
