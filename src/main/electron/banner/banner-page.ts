// The banner above every impersonated page: Understudy's own page, in its own view and its own
// session, which the customer page cannot reach. It ships inside the main bundle (no file to
// resolve, nothing to tamper with on disk) and loads as a data: URL under a CSP that allows
// exactly its one script and one style block, by hash, and nothing else: no network, no frames.
//
// It has no preload and no IPC. Main draws it with `render(content)` and learns about the End
// button by awaiting `nextEnd()`, both through `webContents.executeJavaScript` on this view only.
import { createHash } from 'node:crypto';

/** Height of the banner view in px; the customer page gets the rest of the window. */
export const BANNER_HEIGHT = 52;

const STYLE = `
:root { color-scheme: dark; font: 13px/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; margin: 0; }
html, body { height: 100%; overflow: hidden; background: #3b2a00; color: #fff6d8; user-select: none; }
body.production { background: #6b0f12; color: #ffe9e9; }
.banner { display: flex; align-items: center; gap: 14px; height: 100%; padding: 0 14px; border-bottom: 3px solid #f5b400; }
body.production .banner { border-bottom-color: #ff4d4f; }
.text { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.text strong, .text span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.text span { opacity: .85; font-size: 12px; }
.status { white-space: nowrap; font-size: 12px; }
.status.error { color: #ffb3b3; font-weight: 600; white-space: normal; max-width: 40%; }
.time { font: 600 18px/1 ui-monospace, "SF Mono", Consolas, monospace; min-width: 5ch; text-align: right; }
.time:empty { display: none; }
button { font: inherit; font-weight: 600; padding: 6px 14px; border-radius: 6px; border: 1px solid #fff; background: #fff; color: #3b2a00; cursor: pointer; }
body.production button { color: #6b0f12; }
button:disabled { opacity: .5; cursor: default; }
`;

const SCRIPT = `
(() => {
  'use strict';
  const byId = (id) => document.getElementById(id);
  let clicked = false;
  let waiters = [];
  byId('end').addEventListener('click', () => {
    byId('end').disabled = true;
    if (waiters.length === 0) { clicked = true; return; }
    const ready = waiters;
    waiters = [];
    ready.forEach((resolve) => resolve(true));
  });
  const api = {
    render(content) {
      document.body.classList.toggle('production', content.production === true);
      byId('headline').textContent = String(content.headline);
      byId('detail').textContent = String(content.detail);
      const status = byId('status');
      status.textContent = content.error ? String(content.error) : String(content.status);
      status.classList.toggle('error', Boolean(content.error));
      byId('time').textContent = content.timeLeft ? String(content.timeLeft) : '';
      byId('end').disabled = content.canEnd !== true;
      document.title = String(content.headline);
      return true;
    },
    nextEnd() {
      if (clicked) { clicked = false; return Promise.resolve(true); }
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
  Object.defineProperty(window, 'understudyBanner', { value: Object.freeze(api), writable: false, configurable: false });
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const BANNER_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "img-src 'none'",
  "connect-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const BANNER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${BANNER_CSP}">
<title>Understudy</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="status" aria-live="polite">
  <div class="text"><strong id="headline"></strong><span id="detail"></span></div>
  <span id="status" class="status"></span>
  <span id="time" class="time" aria-label="Time left"></span>
  <button id="end" type="button" disabled>End impersonation</button>
</div>
<script>${SCRIPT}</script>
</body>
</html>`;

/** The URL the banner view loads. */
export const BANNER_URL = `data:text/html;charset=utf-8;base64,${Buffer.from(BANNER_HTML, 'utf8').toString('base64')}`;

/** JavaScript that draws `content` in the banner (content is JSON-encoded: data, never code). */
export function renderScript(content: unknown): string {
  return `window.understudyBanner.render(${JSON.stringify(content)})`;
}

/** JavaScript whose result resolves the next time the End button is pressed. */
export const NEXT_END_SCRIPT = 'window.understudyBanner.nextEnd()';
