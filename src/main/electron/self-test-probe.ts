// The self-test's eyes on the windows the app opened (see ../self-test/self-test.ts): it reads the
// banner the real banner page drew, presses its End button as a person would, and counts what the
// impersonation's partition still holds after the end.
import { BaseWindow, WebContentsView, type Session, type WebContents } from 'electron';
import type { SelfTestProbe } from '../self-test/self-test.ts';

const HEADLINE = "document.getElementById('headline')?.textContent ?? ''";

export function createSelfTestProbe(): SelfTestProbe {
  /** The partition of each impersonation window seen, by subject: still readable after the window closed. */
  const partitions = new Map<string, Session>();

  async function windowOf(subject: string): Promise<{ banner: WebContents; page: WebContents } | null> {
    for (const window of BaseWindow.getAllWindows()) {
      const views = window.contentView.children.filter((view): view is WebContentsView => view instanceof WebContentsView);
      const live = views.map((view) => view.webContents).filter((contents) => !contents.isDestroyed());
      const banner = live.find((contents) => contents.getURL().startsWith('data:text/html'));
      const page = live.find((contents) => contents !== banner);
      if (!banner || !page) continue;
      if (String(await banner.executeJavaScript(HEADLINE)).includes(subject)) return { banner, page };
    }
    return null;
  }

  return {
    async bannerHeadline(subject) {
      const found = await windowOf(subject);
      if (!found) return '';
      partitions.set(subject, found.page.session);
      return String(await found.banner.executeJavaScript(HEADLINE));
    },
    async pressEnd(subject) {
      const found = await windowOf(subject);
      if (!found) throw new Error(`no impersonation window shows ${subject}`);
      partitions.set(subject, found.page.session);
      await found.banner.executeJavaScript("document.getElementById('end').click()", true);
    },
    async partitionCookies(subject) {
      const partition = partitions.get(subject);
      if (!partition) throw new Error(`the partition of ${subject}'s window was never seen`);
      return (await partition.cookies.get({})).length;
    },
  };
}
