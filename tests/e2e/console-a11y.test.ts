// Every screen and dialog of the console checked with axe-core (zero serious or critical
// violations), in light and dark; and the keyboard: Tab never lands on a control that cannot be seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePage, eventually } from '../support/console-page.ts';
import { seriousViolations } from '../support/axe.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe.each(['light', 'dark'] as const)('accessibility, %s theme', (theme) => {
  let harness: Harness;
  let ui: ConsolePage;

  beforeAll(async () => {
    harness = await startHarness({ users: 60, colorScheme: theme });
    ui = new ConsolePage(harness.page);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const check = async (where: string) => expect({ where, violations: await seriousViolations(harness.page) }).toEqual({ where, violations: [] });

  /** Tabs through the page; every control that takes focus must be visible, inside the viewport's page. */
  async function invisibleFocusStops(presses: number): Promise<string[]> {
    const problems: string[] = [];
    for (let step = 0; step < presses; step++) {
      await ui.press('Tab');
      const problem = await harness.page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return null;
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        const hidden = box.width < 2 || box.height < 2 || style.visibility === 'hidden' || Number(style.opacity) === 0 || element.closest('[aria-hidden="true"]');
        return hidden ? `${element.tagName.toLowerCase()} “${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}”` : null;
      });
      if (problem) problems.push(problem);
    }
    return problems;
  }

  it('has no serious violations and no invisible focus stops on each screen and dialog', async () => {
    const { page } = harness;
    await ui.heading('Welcome to Understudy').waitFor();
    await check('onboarding');
    await page.getByRole('button', { name: 'Open the sandbox' }).click();
    await page.getByRole('listbox', { name: 'Find yourself: results' }).waitFor();
    await check('who are you');
    await ui.chooseOperator('morgan', /^Morgan Reyes/);
    await ui.heading('Users').waitFor();
    await ui.results.waitFor();
    await eventually(async () => expect(await ui.results.getAttribute('aria-busy')).toBeNull());
    await check('users');
    expect(await invisibleFocusStops(12)).toEqual([]);

    await ui.openUser('ada', /^Ada Lovelace/);
    await page.getByRole('region', { name: 'Sessions in Clerk' }).getByRole('table').waitFor();
    await check('user');
    expect(await invisibleFocusStops(15)).toEqual([]);

    await ui.impersonateButton.click();
    await ui.impersonateDialog.waitFor();
    await check('impersonate dialog');
    expect(await invisibleFocusStops(8)).toEqual([]);
    await ui.impersonateDialog.getByLabel(/Reason or ticket/).fill('SUP-5 a11y');
    await ui.impersonateDialog.getByLabel(/Reason or ticket/).press('Enter');
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    await check('active');
    expect(await invisibleFocusStops(12)).toEqual([]);

    await ui.press('Control+3');
    await ui.historyRows().first().waitFor();
    await check('history');
    expect(await invisibleFocusStops(20)).toEqual([]);

    await ui.press('Control+4');
    await ui.heading('Settings').waitFor();
    await check('settings');
    expect(await invisibleFocusStops(25)).toEqual([]);

    await ui.press('Control+Shift+E');
    await page.getByRole('dialog').waitFor();
    await check('end all dialog');
  });
});
