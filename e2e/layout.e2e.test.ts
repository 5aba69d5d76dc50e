import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { actorOf } from '../src/server/services/access.js';
import {
  accessibilityProblems,
  SCREENSHOTS,
  shot,
  signIn,
  startHarness,
  visible,
  type Harness,
} from './harness.js';
import { realisticReport } from './realistic.js';

const SIZES = [
  { name: 'laptop-1280', width: 1280, height: 800 },
  { name: 'laptop-1440', width: 1440, height: 900 },
  { name: 'phone-390', width: 390, height: 844 },
] as const;
const SECTIONS = ['meta', 'summary', 'details', 'impact', 'analysis', 'lessons', 'actions', 'materials'];
const HEADINGS: Record<string, string> = {
  meta: 'Basics',
  summary: '1. Executive summary',
  details: '2. Event details',
  impact: '3. Impact',
  analysis: '4. Root cause analysis',
  lessons: '5. Lessons',
  actions: '6. Action items',
  materials: '7. Supporting materials',
};

/**
 * Every input, select, text area and button on the page, scrolled to as a user would: each must lie wholly
 * inside the visible area of every box that clips it (and of the window) with no sideways scrolling, and be
 * at least 44 px wide. A radio button or checkbox is judged by its label, which is what a pointer hits; a
 * visually hidden file input by the label that stands for it.
 */
async function layoutProblems(page: Page): Promise<{ checked: number; problems: string[] }> {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const problems: string[] = [];
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const label =
        el.getAttribute('aria-label') ??
        (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null) ??
        el.textContent ??
        '';
      return `${el.tagName.toLowerCase()}${id} “${label.trim().slice(0, 50)}”`;
    };
    let checked = 0;
    for (const el of document.querySelectorAll('input, select, textarea, button')) {
      if (el.closest('dialog:not([open])')) continue;
      const input = el instanceof HTMLInputElement ? el : undefined;
      const hidden = el.classList.contains('sr-only') || input?.type === 'hidden';
      const target =
        input && (hidden || input.type === 'radio' || input.type === 'checkbox') ? el.closest('label') : el;
      if (!target) {
        if (!hidden) problems.push(`${describe(el)}: no label to click`);
        continue;
      }
      if (target.getClientRects().length === 0) continue;
      checked += 1;
      target.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = target.getBoundingClientRect();
      const name = describe(el);
      if (r.width < 44) problems.push(`${name}: ${Math.round(r.width)} px wide`);
      const eps = 0.5;
      const outside = (box: { left: number; right: number; top: number; bottom: number }) =>
        r.left < box.left - eps ||
        r.right > box.right + eps ||
        r.top < box.top - eps ||
        r.bottom > box.bottom + eps;
      for (let a = target.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (!/auto|scroll|hidden|clip/.test(`${s.overflowX} ${s.overflowY}`)) continue;
        if (a.scrollLeft !== 0) problems.push(`${name}: reached only by scrolling ${describe(a)} sideways`);
        const b = a.getBoundingClientRect();
        const box = {
          left: b.left + a.clientLeft,
          top: b.top + a.clientTop,
          right: b.left + a.clientLeft + a.clientWidth,
          bottom: b.top + a.clientTop + a.clientHeight,
        };
        if (outside(box)) problems.push(`${name}: cut off by ${describe(a)}`);
      }
      const view = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
      if (outside(view)) problems.push(`${name}: outside the window`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth)
      problems.push(
        `the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px window`,
      );
    window.scrollTo(0, 0);
    return { checked, problems };
  });
}

// Every section of the editor, with a full report, at two laptop sizes and a phone.
describe('the editor at every width', () => {
  let h: Harness;
  let id = '';
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    h = await startHarness();
    const user = await h.server.app.services.users.create(null, {
      email: 'ada@example.test',
      name: 'Ada Admin',
      role: 'admin',
      password: 'correct horse battery',
    });
    id = (await h.server.app.services.reports.create(actorOf(user, 'cli'), realisticReport())).id;
  });
  afterAll(async () => {
    console.log('e2e layout: controls checked per size', JSON.stringify(figures));
    await h?.close();
  });

  for (const size of SIZES) {
    it(`fits every field of every section at ${size.width}×${size.height}`, async () => {
      const page = await (await h.context({ width: size.width, height: size.height })).newPage();
      await signIn(page, h.url, 'ada@example.test', 'correct horse battery');
      const problems: string[] = [];
      let checked = 0;
      for (const section of SECTIONS) {
        await page.goto(`${h.url}/reports/${id}/edit?section=${section}`);
        await visible(page.getByRole('heading', { name: HEADINGS[section]!, exact: true }));
        // The findings are in: the score is shown and the sections' counts with it.
        await visible(page.getByLabel(/^Quality score \d+ of 100$/));
        const found = await layoutProblems(page);
        checked += found.checked;
        problems.push(...found.problems.map((p) => `${section}: ${p}`));
        // Rows off screen skip rendering; a full-page picture needs them drawn.
        await page.evaluate(() => {
          for (const el of document.querySelectorAll<HTMLElement>('.tl-card'))
            el.style.contentVisibility = 'visible';
        });
        await shot(page, `editor-${section}-${size.name}`);
        // And what a person sees first of the section's rows, at the size of the window.
        await page.evaluate(() =>
          (document.querySelector('.item-card, .row.line') ?? document.querySelector('h2'))?.scrollIntoView(),
        );
        await page.screenshot({ path: `${SCREENSHOTS}/editor-${section}-${size.name}-window.png` });
        if (size.name === 'laptop-1280' || (size.name === 'phone-390' && section === 'details')) {
          const a11y = await accessibilityProblems(page);
          problems.push(...a11y.map((p) => `${section} (axe): ${p}`));
        }
      }
      figures[size.name] = checked;
      expect(problems).toEqual([]);
      // Realistic content means many controls: 12 events and 8 action items alone bring over a hundred.
      expect(checked).toBeGreaterThan(300);
    });
  }

  it('shows findings under the row they are about, at full width', async () => {
    const page = await (await h.context({ width: 1280, height: 800 })).newPage();
    await signIn(page, h.url, 'ada@example.test', 'correct horse battery');
    await page.goto(`${h.url}/reports/${id}/edit?section=actions`);
    const card = page.getByRole('listitem').filter({ has: page.getByText('A4', { exact: true }) });
    await visible(card.getByLabel('Writing suggestions for this field'));
    const widths = await card.evaluate((li) => {
      const list = li.querySelector('.field-findings')!;
      return { card: li.getBoundingClientRect().width, list: list.getBoundingClientRect().width };
    });
    // Not squeezed into a column: the messages use most of the card's width.
    expect(widths.list).toBeGreaterThan(widths.card * 0.8);
  });

  it('draws the fishbone with every label inside it, sub-causes included, and exports SVG and PNG', async () => {
    const page = await (await h.context({ width: 1280, height: 800 })).newPage();
    await signIn(page, h.url, 'ada@example.test', 'correct horse battery');
    await page.goto(`${h.url}/reports/${id}/edit?section=analysis`);
    const figure = page.locator('figure.fishbone');
    await visible(figure);
    // Real glyph boxes, measured by the browser, against the drawing's own coordinates.
    const boxes = await figure.locator('svg').evaluate((svg: SVGSVGElement) => {
      const view = svg.viewBox.baseVal;
      return [...svg.querySelectorAll('text')].map((t) => {
        const b = t.getBBox();
        const inside = b.x >= 0 && b.y >= 0 && b.x + b.width <= view.width && b.y + b.height <= view.height;
        return { text: t.textContent ?? '', inside };
      });
    });
    expect(boxes.filter((b) => !b.inside)).toEqual([]);
    const texts = boxes.map((b) => b.text);
    // Sub-causes are drawn on their bones (a shortened one keeps its whole text in its <title>).
    expect(texts).toContain('No runbook for renewal');
    expect(texts.some((t) => t.startsWith('Knowledge not written'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Calendar reminder went to a former employee'))).toBe(true);
    const desc = await figure.locator('svg desc').textContent();
    expect(desc).toContain('Calendar reminder went to a former employee');
    await shot(page, 'fishbone-1280', figure);

    const [svgFile] = await Promise.all([
      page.waitForEvent('download'),
      figure.getByRole('button', { name: 'Download SVG' }).click(),
    ]);
    const svgText = readFileSync((await svgFile.path())!, 'utf8');
    expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).toContain('No runbook for renewal');
    const [pngFile] = await Promise.all([
      page.waitForEvent('download'),
      figure.getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    expect(pngFile.suggestedFilename()).toMatch(/\.png$/);
    const png = readFileSync((await pngFile.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Twice the drawing's width, so it stays sharp.
    expect(png.readUInt32BE(16)).toBe(1920);
  });

  it('has no accessibility problem axe finds on any other page, on a laptop and a phone', async () => {
    const problems: string[] = [];
    for (const size of [SIZES[0], SIZES[2]]) {
      const page = await (await h.context({ width: size.width, height: size.height })).newPage();
      await signIn(page, h.url, 'ada@example.test', 'correct horse battery');
      const pages: [string, string | RegExp][] = [
        ['/', /^Hello,/],
        ['/archive', 'Archive'],
        ['/actions', 'Action tracker'],
        ['/new', 'New report'],
        ['/settings', 'Settings'],
        ['/profile', 'Ada Admin'],
        [`/reports/${id}`, /^Checkout failed for every customer/],
      ];
      for (const [path, heading] of pages) {
        await page.goto(`${h.url}${path}`);
        await visible(page.getByRole('heading', { name: heading, level: 1 }));
        problems.push(...(await accessibilityProblems(page)).map((p) => `${size.name} ${path}: ${p}`));
      }
      await page.goto(`${h.url}/actions?owner=priya`);
      // The owner box finds part of a name in any case.
      await visible(page.getByText('Automate renewal of every certificate the payment gateway depends on'));
      expect(await page.getByText('Omar Oncall').count()).toBe(0);
      await shot(page, `tracker-owner-${size.name}`);
    }
    expect(problems).toEqual([]);
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
