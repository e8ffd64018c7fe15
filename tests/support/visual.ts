// Layout checks for the e2e suite. Two layers: structural checks that state what "holds" means
// (no sideways overflow, no clipped text, rows of sensible height) and so fail on any machine when a
// layout breaks; and screenshots compared with committed baselines with a tolerance that absorbs
// font anti-aliasing differences but not moved, resized or missing blocks.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';

export const BASELINE_DIR = resolve('tests/e2e/baselines');
const ACTUAL_DIR = resolve('test-results/baselines');

/** `UPDATE_BASELINES=1` rewrites the baselines from this run (review the images before committing). */
const updating = process.env['UPDATE_BASELINES'] === '1';

export interface VisualDiff {
  /** Share of pixels that differ beyond pixelmatch's colour threshold. */
  ratio: number;
  width: number;
  height: number;
  baselineSize: { width: number; height: number } | null;
  diffPath: string | null;
}

/**
 * Per-pixel colour threshold (pixelmatch's YIQ distance, 0–1) and the share of pixels allowed to
 * differ: glyph edges rendered by another FreeType build differ in a few pixels per word, far below
 * 1.5 %; a block that moves or reflows changes a whole band of the image, far above it.
 */
export const PIXEL_THRESHOLD = 0.2;
export const MAX_DIFF_RATIO = 0.015;

/** Compares a full-page screenshot with `baselines/{name}.png`; writes actual and diff images beside the test results. */
export async function compareWithBaseline(page: Page, name: string, mask: Locator[]): Promise<VisualDiff> {
  const shot = PNG.sync.read(await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide', mask, maskColor: '#808080' }));
  const baselinePath = join(BASELINE_DIR, `${name}.png`);
  const actualPath = join(ACTUAL_DIR, `${name}.png`);
  mkdirSync(dirname(actualPath), { recursive: true });
  writeFileSync(actualPath, PNG.sync.write(shot));
  if (updating || !existsSync(baselinePath)) {
    if (!updating) throw new Error(`No baseline ${baselinePath}: run with UPDATE_BASELINES=1 and review ${actualPath}`);
    mkdirSync(BASELINE_DIR, { recursive: true });
    writeFileSync(baselinePath, PNG.sync.write(shot));
  }
  const baseline = PNG.sync.read(readFileSync(baselinePath));
  const size = { width: shot.width, height: shot.height };
  if (baseline.width !== shot.width || baseline.height !== shot.height) {
    return { ratio: 1, ...size, baselineSize: { width: baseline.width, height: baseline.height }, diffPath: null };
  }
  const diff = new PNG({ width: size.width, height: size.height });
  const changed = pixelmatch(baseline.data, shot.data, diff.data, shot.width, shot.height, { threshold: PIXEL_THRESHOLD });
  const diffPath = join(ACTUAL_DIR, `${name}.diff.png`);
  writeFileSync(diffPath, PNG.sync.write(diff));
  return { ratio: changed / (shot.width * shot.height), ...size, baselineSize: size, diffPath };
}

/**
 * What breaks a layout, measured in the page: the page or a table scrolling sideways, text clipped
 * by its box, words broken into a letter per line, table rows taller than `maxRowLines` lines.
 * Returns one line per problem (empty when the layout holds).
 */
export function layoutProblems(page: Page, maxRowLines = 4): Promise<string[]> {
  return page.evaluate((maxLines) => {
    const problems: string[] = [];
    const describe = (element: Element) => {
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} “${text}”`;
    };
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    for (const wrap of document.querySelectorAll('.table-wrap, main, .panel, .live-item')) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) problems.push(`${describe(wrap)} overflows sideways (${wrap.scrollWidth} > ${wrap.clientWidth})`);
    }
    for (const element of document.querySelectorAll<HTMLElement>('main *, .sidenav *, .topbar *')) {
      if (element.offsetParent === null || element.closest('.visually-hidden')) continue;
      const style = getComputedStyle(element);
      const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
      // Clipped: content wider or taller than a box that hides overflow, with no ellipsis to say so.
      if (style.overflow === 'hidden' || style.overflowX === 'hidden') {
        const ellipsis = style.textOverflow === 'ellipsis';
        if (!ellipsis && element.scrollWidth > element.clientWidth + 1 && element.textContent?.trim()) problems.push(`${describe(element)} is clipped`);
      }
      // A letter per line: a text leaf much taller than it is wide.
      const leaf = element.children.length === 0 && (element.textContent ?? '').trim().length >= 4;
      if (leaf) {
        const box = element.getBoundingClientRect();
        const lines = Math.round(box.height / lineHeight);
        if (lines >= 3 && box.width < lineHeight * 3) problems.push(`${describe(element)} is squeezed to ${Math.round(box.width)} px wide, ${lines} lines`);
      }
    }
    for (const row of document.querySelectorAll<HTMLElement>('tbody tr')) {
      const cell = row.querySelector('td');
      // Rows shown as cards (narrow containers) are many lines by design; the other checks cover them.
      if (!cell || getComputedStyle(row).display !== 'table-row') continue;
      const style = getComputedStyle(cell);
      const lineHeight = parseFloat(style.lineHeight) || 20;
      // Lines of text: the row's height less the cells' own padding.
      const lines = (row.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / lineHeight;
      if (lines > maxLines + 0.5) problems.push(`a table row is ${lines.toFixed(1)} lines tall: ${describe(row)}`);
    }
    return problems;
  }, maxRowLines);
}
