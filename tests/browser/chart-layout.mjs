// Checks every chart of a built site in headless Chromium, at phone and desktop widths:
// no <text> of a chart is clipped by its SVG's bounds, no two texts overlap, no chart text is
// under 11 CSS px, and a chart narrower than its figure is centred in it.
// usage: node chart-layout.mjs PUBLIC_DIR        (exit 1 on any problem)
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const root = process.argv[2] || 'public';
const { server, base, pages } = await serve(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let passed = 0, failed = 0, charts = 0;
for (const width of [375, 1280]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  for (const p of pages) {
    await page.goto(base + p);
    await page.evaluate(() => document.fonts.ready);
    const problems = await page.evaluate(() => {
      const out = [];
      for (const svg of document.querySelectorAll('figure.chart svg')) {
        const id = svg.closest('figure').id;
        const sb = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '');
        // Legible on a phone: no chart text under 11 CSS px. On a desktop a chart fills its
        // figure or is centred in it.
        const scale = sb.width / svg.viewBox.baseVal.width;
        for (const t of texts) {
          const px = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale;
          if (px < 11 - 0.05) out.push(`${id}: "${t.textContent.trim()}" is ${px.toFixed(1)} CSS px, under 11`);
        }
        const fb = svg.closest('figure').querySelector('.chart-box').parentElement.getBoundingClientRect();
        const left = sb.left - fb.left, right = fb.right - sb.right;
        if (sb.width < 0.95 * fb.width && Math.abs(left - right) > 2)
          out.push(`${id}: the chart neither fills its figure nor is centred (${left.toFixed(0)} px left, ${right.toFixed(0)} px right)`);
        const boxes = texts.map(t => ({ t: t.textContent.trim(), b: t.getBoundingClientRect() }));
        const tol = 0.5;
        for (const { t, b } of boxes) {
          if (b.left < sb.left - tol || b.right > sb.right + tol || b.top < sb.top - tol || b.bottom > sb.bottom + tol)
            out.push(`${id}: "${t}" is clipped by the chart's bounds`);
        }
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].b, b = boxes[j].b;
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) out.push(`${id}: "${boxes[i].t}" overlaps "${boxes[j].t}" (${w.toFixed(1)}×${h.toFixed(1)} px)`);
          }
      }
      return { count: document.querySelectorAll('figure.chart svg').length, out };
    });
    charts += problems.count;
    if (problems.count === 0) continue;
    if (problems.out.length) {
      failed++;
      for (const m of problems.out) console.log(`FAIL ${width}px ${p} ${m}`);
    } else {
      passed++;
      console.log(`ok   ${width}px ${p} (${problems.count} charts)`);
    }
  }
  await page.close();
}
await browser.close();
server.close();
console.log(`${charts} charts checked`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
