// Ids as support agents need them (issue 12, item 10): Copy buttons for user, session and token ids
// that put exactly the id on the clipboard, and the full id in a tooltip wherever a column truncates it.
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_FIXTURES } from '../../src/sandbox/index.ts';
import { ConsolePage, consoleOnSandbox, eventually } from '../support/console-page.ts';
import type { Harness } from '../support/harness.ts';

const ADA = SANDBOX_FIXTURES.plain[0];

describe('copying ids', () => {
  const context = consoleOnSandbox({ users: 80, enter: true });
  let harness: Harness;
  let ui: ConsolePage;
  beforeEach(async () => {
    ({ harness, ui } = context);
    // The page's own (loopback) origin: the emulation serves understudy://console from one.
    await harness.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.page.url()).origin });
  });

  const clipboard = () => harness.page.evaluate(() => navigator.clipboard.readText());
  const copy = async (name: string | RegExp) => {
    await harness.page.evaluate(() => navigator.clipboard.writeText(''));
    await harness.page.getByRole('button', { name }).first().click();
  };

  it('shows the full user id in a tooltip where the results column truncates it', async () => {
    await harness.page.setViewportSize({ width: 800, height: 820 });
    await ui.press('/');
    await ui.search.fill('ada');
    const id = ui.option(/^Ada Lovelace/).locator('.result__id');
    await id.waitFor();
    expect(await id.getAttribute('title')).toBe(ADA);
    await harness.page.setViewportSize({ width: 1280, height: 820 });
  });

  it('copies the user id and a session id from the user page', async () => {
    await ui.openUser('ada', /^Ada Lovelace/);
    await copy(`Copy user id ${ADA}`);
    await eventually(async () => expect(await clipboard()).toBe(ADA));
    const sessions = harness.page.getByRole('region', { name: 'Sessions in Clerk' });
    const button = sessions.getByRole('button', { name: /^Copy session id sess_/ }).first();
    await button.waitFor();
    const sessionId = (await button.getAttribute('aria-label'))!.replace('Copy session id ', '');
    expect(harness.sandbox.state.session(sessionId)?.userId).toBe(ADA);
    await copy(`Copy session id ${sessionId}`);
    await eventually(async () => expect(await clipboard()).toBe(sessionId));
  });

  it('copies the token id from the history and the session id from the Active screen', async () => {
    await ui.startImpersonation('SUP-31 copy ids');
    const item = ui.liveItem('Ada Lovelace');
    await eventually(async () => expect(await item.getAttribute('class')).toMatch(/live-item--signed-in/), 20_000);
    const token = harness.sandbox.state.actorTokens().find((candidate) => candidate.userId === ADA)!;
    await eventually(async () => expect(await item.getByRole('button', { name: /^Copy session id / }).count()).toBe(1));
    const label = (await item.getByRole('button', { name: /^Copy session id / }).getAttribute('aria-label'))!;
    const sessionId = label.replace('Copy session id ', '');
    expect(sessionId).toBe(token.sessionId);
    await copy(label);
    await eventually(async () => expect(await clipboard()).toBe(sessionId));

    await ui.press('Control+3');
    await ui.historyRows().first().waitFor();
    await copy(`Copy token id ${token.id}`);
    await eventually(async () => expect(await clipboard()).toBe(token.id));
    // No room for the id in the status column: the button carries it in its tooltip.
    expect(await harness.page.getByRole('button', { name: `Copy token id ${token.id}` }).getAttribute('title')).toBe(token.id);
  });
});
