// The search page does not move while it loads and answers (no layout shift): the cumulative
// layout shift, measured by the browser, is 0 on a phone and on a desktop, for the empty page,
// for a query in the address (results drawn on load) and for one typed into the form.
// usage: node search-shift.mjs PUBLIC_DIR
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [dir] = process.argv.slice(2);
const { server, base } = await serve(dir);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
let failed = 0;
const observe = () => {
  window.__cls = 0;
  new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
    .observe({ type: 'layout-shift', buffered: true });
};
const settled = page => page.waitForFunction(() => { const s = document.getElementById('search-status'); return s && s.textContent && !s.textContent.startsWith('正在'); }, null, { timeout: 10000 });
for (const [w, h] of [[375, 667], [1280, 800]]) {
  for (const q of ['', '党员', '三会一课']) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.addInitScript(observe);
    await page.goto(base + 'search/' + (q ? '?q=' + encodeURIComponent(q) : ''), { waitUntil: 'load' });
    if (q) await settled(page);
    else {
      // Typed into the form: the results replace the empty state.
      await page.fill('#search-page-q', '党组织');
      await page.evaluate(() => window.__cls = 0);
      await page.evaluate(() => document.getElementById('search-page-form').requestSubmit());
      await settled(page);
    }
    await page.waitForTimeout(300);
    const cls = await page.evaluate(() => window.__cls);
    const n = await page.evaluate(() => document.querySelectorAll('#search-results li').length);
    const what = `${w}px, ${q ? '?q=' + q : 'typed 党组织'}: ${n} results, layout shift ${cls.toFixed(4)}`;
    if (cls < 0.001 && n > 0) console.log(`ok   ${what}`); else { failed++; console.log(`FAIL ${what}`); }
    await page.close();
  }
}
await browser.close();
server.close();
if (failed) { console.log(`${failed} check(s) failed`); process.exit(1); }
