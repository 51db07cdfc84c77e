// Takes screenshots of built pages at phone and desktop widths.
// usage: node screenshot.mjs PUBLIC_DIR OUT_DIR page1 [page2 …]   (pages relative to the site root, e.g. "" or "portrait/")
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const [root, out, ...pages] = process.argv.slice(2);
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.js': 'text/javascript' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let f = path.resolve(root, '.' + p);
  if (!f.startsWith(path.resolve(root))) { res.writeHead(404); return res.end(); }
  if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f = path.join(f, 'index.html');
  if (!fs.existsSync(f)) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200, { 'content-type': types[path.extname(f)] || 'application/octet-stream' });
  fs.createReadStream(f).pipe(res);
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
fs.mkdirSync(out, { recursive: true });
for (const p of pages) {
  for (const [name, width] of [['phone', 375], ['desktop', 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${port}/${p}`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const file = path.join(out, `${(p || 'index').replace(/\//g, '_')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`${file} horizontal-overflow=${scroll}px`);
    await page.close();
  }
}
await browser.close();
server.close();
