// Pictures of every main screen, light and dark, as test artifacts in test-results/screenshots/
// ({screen}-{theme}.png), taken along a real journey so each shows real data. Each picture is
// taken only once its screen shows what it is about, so a broken screen fails here, not in review.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** The README's pictures: copies of this suite's screenshots, refreshed with UPDATE_DOCS_SCREENSHOTS=1. */
const DOCS_DIR = resolve('docs/screenshots');
const README_PICTURES = /docs\/screenshots\/([\w-]+\.png)/g;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.each(['light', 'dark'] as const)('screenshots, %s theme', (theme) => {
  let harness: Harness;
  let ui: ConsolePage;
  const taken: string[] = [];
  const shoot = async (screen: string, options?: { keepToasts?: boolean }) => taken.push(await ui.screenshot(screen, theme, options));

  beforeAll(async () => {
    harness = await startHarness({ users: 200, colorScheme: theme });
    ui = new ConsolePage(harness.page);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('follows the system theme', async () => {
    await ui.heading('Welcome to Understudy').waitFor();
    const dark = await harness.page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
    expect(dark).toBe(theme === 'dark');
    // Light and dark really differ: the first opaque background behind the page's middle.
    const background = await harness.page.evaluate(() => {
      for (let element = document.elementFromPoint(640, 760); element; element = element.parentElement) {
        const color = getComputedStyle(element).backgroundColor;
        if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
      }
      return 'rgb(255, 255, 255)';
    });
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    const luminance = (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    if (theme === 'dark') expect(luminance).toBeLessThan(0.3);
    else expect(luminance).toBeGreaterThan(0.8);
  });

  it('captures each main screen', async () => {
    const { page } = harness;
    await shoot('onboarding');

    await ui.enterSandbox();
    await eventually(async () => expect(await ui.pagerRange.innerText()).toBe('1–25 of 200'));
    await shoot('users');

    await ui.openUser('ada', /^Ada Lovelace/);
    await page.getByRole('region', { name: 'Sessions in Clerk' }).getByRole('table').waitFor();
    await shoot('user');

    await ui.impersonateButton.click();
    await ui.impersonateDialog.waitFor();
    await ui.impersonateDialog.getByLabel('Reason or ticket').fill('SUP-1234 checking billing');
    await shoot('impersonate-dialog');

    await ui.press('Enter');
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    await shoot('active');

    await ui.press('Control+3');
    await ui.historyRows().first().waitFor();
    await shoot('history');

    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    await shoot('settings');

    // A protected user: the disabled button with its reason.
    await ui.press('Control+1');
    await ui.openUser('grace', /^Grace Hopper/);
    await page.locator('#impersonate-blocked').waitFor();
    await shoot('user-protected');

    for (const path of taken) expect(pngSize(path)).toEqual({ width: 1280, height: 820 });

    // The README shows these screens: each picture it names exists and is one this suite takes.
    const named = [...readFileSync('README.md', 'utf8').matchAll(README_PICTURES)].map((match) => match[1]!).filter((name) => name.endsWith(`-${theme}.png`));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const name of named) {
      const fresh = taken.find((path) => basename(path) === name);
      expect(fresh, `README shows ${name}, which this suite does not take`).toBeDefined();
      if (process.env['UPDATE_DOCS_SCREENSHOTS'] === '1') {
        mkdirSync(DOCS_DIR, { recursive: true });
        copyFileSync(fresh!, join(DOCS_DIR, name));
      }
      expect(existsSync(join(DOCS_DIR, name)), `docs/screenshots/${name} is missing: run with UPDATE_DOCS_SCREENSHOTS=1`).toBe(true);
      expect(pngSize(join(DOCS_DIR, name))).toEqual(pngSize(fresh!));
    }
  });
});
