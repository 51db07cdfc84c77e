// Lighthouse (npm `lighthouse`, Debian `chromium`, no network beyond 127.0.0.1) on the cover, one
// chapter and the search page of a built site, served locally at the domain root: every
// category (performance, accessibility, best practices, SEO) must score 100. A failing page
// lists the audits that cost points.
// usage: node lighthouse.mjs PUBLIC_DIR
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serve } from './serve.mjs';

const [dir] = process.argv.slice(2);
const { server, base } = await serve(dir);
const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-extensions', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
let failed = 0;
// Timing audits (total blocking time above all) vary with the load on the machine: a page gets
// up to three runs, and passes when one of them scores 100 in every category.
const RUNS = 3;
async function audit(url) {
  const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories });
  if (lhr.runtimeError) return { line: lhr.runtimeError.message, lost: [lhr.runtimeError.code] };
  const scores = categories.map(c => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]);
  const lost = [];
  for (const [c] of scores.filter(([, v]) => v < 100)) {
    for (const ref of lhr.categories[c].auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) lost.push(`${c}: ${a.id} (${a.score}) ${a.displayValue || ''} ${a.title}`);
    }
    if (!lost.length) lost.push(`${c}: below 100`);
  }
  return { line: scores.map(([c, v]) => `${c} ${v}`).join(', '), lost };
}
for (const path of ['', 'overview/', 'search/']) {
  let r;
  for (let run = 1; run <= RUNS; run++) {
    r = await audit(base + path);
    if (!r.lost.length) { console.log(`ok   /${path}: ${r.line}${run > 1 ? ` (run ${run})` : ''}`); break; }
    console.log(`     /${path} run ${run}: ${r.line}`);
  }
  if (r.lost.length) {
    failed++;
    console.log(`FAIL /${path}: ${r.line}`);
    for (const l of r.lost) console.log(`       ${l}`);
  }
}
await chrome.kill();
server.close();
if (failed) { console.log(`${failed} page(s) below 100`); process.exit(1); }
