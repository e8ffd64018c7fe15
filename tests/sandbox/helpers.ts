// Shared test helpers: a Clerk client for a sandbox, a hand-rolled cookie jar that follows redirects
// one hop at a time (as a browser would), and small readers for the customer app's HTML.
import { createClerkClient } from '@clerk/backend';
import { DEV_BROWSER_KEY, type Sandbox } from '../../src/sandbox/index.ts';
import { validateResponse } from './openapi.ts';

export function clerkFor(sandbox: Pick<Sandbox, 'secretKey' | 'apiUrl'>, secretKey = sandbox.secretKey) {
  return createClerkClient({ secretKey, apiUrl: sandbox.apiUrl, telemetry: { disabled: true } });
}

/** Cookies by name. Browsers scope cookies by host, not port, so one jar serves all three listeners. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = decodeURIComponent(pair.slice(at + 1).trim());
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
  }
}

/** An actor token's URL; the SDK types it as optional because only creation returns it. */
export function ticketUrl(token: { url: string | null | undefined }): string {
  if (!token.url) throw new Error('The actor token has no url');
  return token.url;
}

export interface Visit {
  status: number;
  url: string;
  html: string;
  /** Every URL requested, in order, with its status. */
  hops: { url: string; status: number }[];
}

/** GETs `url` and follows redirects manually, carrying cookies. */
export async function visit(url: string, jar: CookieJar, method = 'GET', body?: string): Promise<Visit> {
  const hops: Visit['hops'] = [];
  let current = url;
  let init: RequestInit = { method, redirect: 'manual', ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }) };
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(current, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() } });
    jar.store(response);
    hops.push({ url: current, status: response.status });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      current = new URL(location, current).href;
      init = { method: 'GET', redirect: 'manual' };
      continue;
    }
    return { status: response.status, url: current, html: await response.text(), hops };
  }
  throw new Error(`Too many redirects from ${url}`);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Text of the first element carrying `data-testid="id"` (no nested markup expected), or null. */
export function testIdText(html: string, id: string): string | null {
  const match = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html);
  return match ? (match[1] as string).replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] as string).trim() : null;
}

export function hasTestId(html: string, id: string): boolean {
  return html.includes(`data-testid="${id}"`);
}

/** Validates every recorded Backend API response (needs `recordBodies: true`); returns how many. */
export function validateRecordedResponses(sandbox: Sandbox): number {
  let checked = 0;
  for (const record of sandbox.requests) {
    if (!record.route || record.status === 0 || record.responseBody === undefined) continue;
    const [method, path] = record.route.split(' ') as [string, string];
    validateResponse(method, path, record.status, record.responseBody, { paginated: record.query.paginated === 'true' });
    checked++;
  }
  return checked;
}

/** Clerk's error envelope's first code, from a response body. */
export function errorCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/** A Frontend API URL as the page's script builds it: with the dev browser when it has one (development). */
function fapiUrl(fapi: string, path: string, jar: CookieJar): string {
  const url = new URL(`${fapi}${path}`);
  const devBrowser = jar.cookies.get(DEV_BROWSER_KEY);
  if (devBrowser) url.searchParams.set(DEV_BROWSER_KEY, devBrowser);
  return url.href;
}

async function fapiPost(fapi: string, path: string, jar: CookieJar, fields: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(fapiUrl(fapi, path, jar), {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
  });
  jar.store(response);
  return { status: response.status, text: await response.text() };
}

/** What the page's script does on a development instance with no dev browser yet: `POST /v1/dev_browser`. */
async function ensureDevBrowser(fapi: string, jar: CookieJar): Promise<void> {
  if (jar.cookies.has(DEV_BROWSER_KEY)) return;
  const created = await fapiPost(fapi, '/v1/dev_browser', jar);
  if (created.status !== 200) throw new Error(`POST /v1/dev_browser answered ${created.status}: ${created.text}`);
  jar.cookies.set(DEV_BROWSER_KEY, (JSON.parse(created.text) as { id: string }).id);
}

/** What the app page's script does: ask the Frontend API for a fresh token of the client's session. */
export async function refreshSessionToken(sandbox: Pick<Sandbox, 'frontendApiUrl'>, jar: CookieJar): Promise<{ status: number; text: string }> {
  const response = await fetch(fapiUrl(sandbox.frontendApiUrl, '/v1/client', jar), { headers: { cookie: jar.header() } });
  const text = await response.text();
  if (!response.ok) return { status: response.status, text };
  const id = (JSON.parse(text) as { response: { last_active_session_id: string | null } | null }).response?.last_active_session_id;
  if (!id) return { status: 401, text: '{"errors":[{"code":"signed_out"}]}' };
  const token = await fapiPost(sandbox.frontendApiUrl, `/v1/client/sessions/${id}/tokens`, jar);
  if (token.status === 200) jar.cookies.set('__session', (JSON.parse(token.text) as { jwt: string }).jwt);
  return token;
}

/**
 * Follows a ticket URL as a browser with JavaScript does: the redirects to the sign-in page, then
 * that page's script (sign-in with strategy=ticket, touch, token, `__session`), then the app. A
 * failure answers the Frontend API's status and JSON body.
 * On a development instance (the page says `data-instance="development"`) the script first gets a
 * dev browser and sends it on every call; the app is another host, so it gets no `__session` from
 * the sign-in page: it lands with `__clerk_db_jwt` in its URL, its script fetches the session's
 * token through the dev browser, and the page is loaded again.
 */
export async function signInWithTicket(url: string, jar: CookieJar, sandbox: Pick<Sandbox, 'frontendApiUrl'>): Promise<Visit> {
  const landing = await visit(url, jar);
  const ticket = new URL(landing.url).searchParams.get('__clerk_ticket');
  if (landing.status !== 200 || !ticket) return landing;
  const after = /data-after="([^"]*)"/.exec(landing.html)?.[1];
  if (!after) return landing;
  const development = landing.html.includes('data-instance="development"');
  if (development) await ensureDevBrowser(sandbox.frontendApiUrl, jar);
  const signIn = await fapiPost(sandbox.frontendApiUrl, '/v1/client/sign_ins', jar, { strategy: 'ticket', ticket });
  if (signIn.status !== 200) return { status: signIn.status, url: `${sandbox.frontendApiUrl}/v1/client/sign_ins`, html: signIn.text, hops: landing.hops };
  const id = (JSON.parse(signIn.text) as { response: { created_session_id: string } }).response.created_session_id;
  await fapiPost(sandbox.frontendApiUrl, `/v1/client/sessions/${id}/touch`, jar);
  const token = await fapiPost(sandbox.frontendApiUrl, `/v1/client/sessions/${id}/tokens`, jar);
  const afterUrl = new URL(after.replace(/&amp;/g, '&'));
  if (!development) {
    jar.cookies.set('__session', (JSON.parse(token.text) as { jwt: string }).jwt);
    const app = await visit(afterUrl.href, jar);
    return { ...app, hops: [...landing.hops, ...app.hops] };
  }
  afterUrl.searchParams.set(DEV_BROWSER_KEY, jar.cookies.get(DEV_BROWSER_KEY) as string);
  const handedOver = await visit(afterUrl.href, jar);
  const refreshed = await refreshSessionToken(sandbox, jar);
  if (refreshed.status !== 200) return { status: refreshed.status, url: `${sandbox.frontendApiUrl}/v1/client`, html: refreshed.text, hops: [...landing.hops, ...handedOver.hops] };
  afterUrl.searchParams.delete(DEV_BROWSER_KEY);
  const app = await visit(afterUrl.href, jar);
  return { ...app, hops: [...landing.hops, ...handedOver.hops, ...app.hops] };
}
