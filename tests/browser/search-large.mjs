// The search page on a large site (generated here: 400 chapters): a word in every chapter is
// answered a batch of chapters at a time, fetching only those chapters' text files, with a
// “显示更多结果” button for the rest; a word in one chapter is found with it highlighted, and a
// short English word matches only as a whole word.
// usage: node search-large.mjs BAIPI_BINARY WORK_DIR
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [exe, work] = process.argv.slice(2);
const site = path.join(work, 'large');
fs.rmSync(site, { recursive: true, force: true });
fs.mkdirSync(path.join(site, 'content'), { recursive: true });
fs.cpSync(new URL('../../themes', import.meta.url).pathname, path.join(site, 'themes'), { recursive: true });
fs.writeFileSync(path.join(site, 'site.toml'), 'title = "大型站点"\nbase_url = "http://localhost/"\nlanguage = "zh-CN"\ntheme = "default"\n');
const N = 400;
for (let i = 1; i <= N; i++) {
  const id = String(i).padStart(3, '0');
  const special = i === 137 ? '本章另记猎德街道的 R&D 投入。' : '';
  const body = `## 概况\n\n本章数据显示，第${i}项指标比上年增长，year on year 口径。${special}\n\n## 说明\n\n` +
    '统计口径与上年一致，数据经过审核与比对，按照统一的方法汇总和发布。'.repeat(30) + '\n';
  const title = i === 300 ? `第${i}章 口径专题` : `第${i}章 测试`;
  fs.writeFileSync(path.join(site, 'content', `${id}-c.md`), `---\ntitle: "${title}"\nweight: ${i}\n---\n\n${body}`);
}
execFileSync(exe, ['--root', site, 'build', '--quiet', '--output-dir', path.join(site, 'public')], { stdio: 'inherit' });
const blocks = fs.readdirSync(path.join(site, 'public', 'search')).filter(f => /^t\d+\.json$/.test(f)).length;

let failed = 0;
const ok = m => console.log(`ok   ${m}`);
const fail = m => { failed++; console.log(`FAIL ${m}`); };
if (blocks > 6) ok(`${N} chapters: ${blocks} text files`); else fail(`only ${blocks} text files: the paged path is not exercised`);
const metaBytes = fs.statSync(path.join(site, 'public', 'search', 'meta.json')).size;
if (metaBytes < 1024) ok(`meta.json: ${metaBytes} bytes for ${N} chapters`); else fail(`meta.json is ${metaBytes} bytes`);

const { server, base } = await serve(path.join(site, 'public'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const texts = new Set();
page.on('request', r => { const m = r.url().match(/search\/(t\d+)\.json/); if (m) texts.add(m[1]); });
const settled = () => page.waitForFunction(() => { const s = document.getElementById('search-status'); return s && s.textContent && !s.textContent.startsWith('正在'); }, null, { timeout: 20000 });
const state = () => page.evaluate(() => ({
  status: document.getElementById('search-status').textContent,
  n: document.querySelectorAll('#search-results li').length,
  more: !document.getElementById('search-more').hidden,
  first: (document.querySelector('#search-results li a') || {}).getAttribute?.('href') || '',
  mark: (document.querySelector('#search-results li p mark') || {}).textContent || '',
}));

await page.goto(base + 'search/?q=' + encodeURIComponent('增长'));
await settled();
let s = await state();
if (s.more && s.n >= 20 && s.status.includes(`${N} 章`) && texts.size <= 2) ok(`“增长”: ${s.n} results from the first chapters, ${texts.size} of ${blocks} text files fetched, more offered`);
else fail(`“增长”: ${JSON.stringify(s)}, ${texts.size} text files fetched`);
const before = s.n;
await page.click('#search-more');
await page.waitForFunction(n => document.querySelectorAll('#search-results li').length > n, before, { timeout: 20000 });
await settled();
s = await state();
if (s.n > before && s.more) ok(`显示更多结果: ${before} → ${s.n} results, ${texts.size} text files fetched`);
else fail(`more: ${JSON.stringify(s)}`);

// Every chapter says 口径; the one with it in its title comes first, before any text is fetched.
await page.goto(base + 'search/?q=' + encodeURIComponent('口径'));
await settled();
s = await state();
if (s.first.includes('300-c/') && s.more) ok(`“口径”: the chapter titled with it first, of ${N}`);
else fail(`“口径”: ${JSON.stringify(s)}`);

for (const [q, mark] of [['猎德', '猎德'], ['R&D', 'R']]) {
  await page.goto(base + 'search/?q=' + encodeURIComponent(q));
  await settled();
  s = await state();
  if (s.n === 1 && s.first.includes('137-c/') && s.mark === mark && !s.more) ok(`“${q}”: the one chapter that has it, “${s.mark}” highlighted`);
  else fail(`“${q}”: ${JSON.stringify(s)}`);
}
await browser.close();
server.close();
fs.rmSync(site, { recursive: true, force: true });
if (failed) { console.log(`${failed} search check(s) failed`); process.exit(1); }
