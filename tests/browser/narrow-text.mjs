// Chinese text on a phone is not justified (justifying a short line opens wide gaps around
// digits: “表 示 不 满 意 的 132 人”); on a desktop it is. Checks the computed style of every
// paragraph of a chapter at 375 px and at 1280 px.
// usage: node narrow-text.mjs PUBLIC_DIR
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [dir] = process.argv.slice(2);
const { server, base } = await serve(dir);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
let failed = 0;
for (const [w, want] of [[375, 'start'], [1280, 'justify']]) {
  const page = await browser.newPage({ viewport: { width: w, height: 800 } });
  await page.goto(base + 'achievements/', { waitUntil: 'load' });
  const aligns = await page.evaluate(() => [...document.querySelectorAll('.prose p')].map(p => getComputedStyle(p).textAlign));
  const wrong = aligns.filter(a => a !== want).length;
  const what = `${w}px: ${aligns.length} paragraphs, ${wrong} not “${want}”`;
  if (aligns.length && !wrong) console.log(`ok   ${what}`); else { failed++; console.log(`FAIL ${what}`); }
  await page.close();
}
await browser.close();
server.close();
if (failed) process.exit(1);
