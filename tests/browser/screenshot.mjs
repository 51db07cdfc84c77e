// Takes screenshots of built pages at phone and desktop widths.
// usage: node screenshot.mjs PUBLIC_DIR OUT_DIR page1 [page2 …]   (pages relative to the site root, e.g. "" or "portrait/")
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [root, out, ...pages] = process.argv.slice(2);
const { server, base } = await serve(root);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
fs.mkdirSync(out, { recursive: true });
for (const p of pages) {
  for (const [name, width] of [['phone', 375], ['desktop', 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(base + p);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const file = path.join(out, `${(p || 'index').replace(/\//g, '_')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`${file} horizontal-overflow=${scroll}px`);
    await page.close();
  }
}
await browser.close();
server.close();
