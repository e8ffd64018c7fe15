// App origins: plain-http addresses of a development app (e.g. `http://dev-box.internal:3000`)
// that the impersonation windows of one development profile may open, besides any https address
// and this computer's own loopback addresses, which every development profile already allows.
// Only what the list would really add is accepted, so it never claims to allow something already
// allowed, and never loosens a production instance.
import { AppError } from '../../shared/errors.ts';
import { isLoopbackHost } from './window-policy.ts';

/** Enough for the dev boxes and preview hosts of one team; a longer list is a wildcard in disguise. */
export const MAX_APP_ORIGINS = 20;
/** A host name has at most 253 characters; with scheme and port this is plenty. */
const MAX_LENGTH = 300;
const EXAMPLE = 'e.g. http://dev-box.internal:3000';

export type AppOriginCheck = { ok: true; origin: string } | { ok: false; problem: string };

/**
 * One typed entry → its origin (`URL.origin`: lowercase host, default port dropped), or why it
 * cannot be listed. Problems never repeat what was typed: a key pasted here by mistake must not
 * travel back in an error.
 */
export function checkAppOrigin(entry: string, production: boolean): AppOriginCheck {
  const text = entry.trim();
  const refuse = (problem: string): AppOriginCheck => ({ ok: false, problem });
  if (production) {
    return refuse(
      'A production instance (sk_live_) runs on https only, and every https address already opens in its windows. A plain-http address would send the customer’s session unencrypted, so none can be listed.',
    );
  }
  if (text === '') return refuse(`Type the app’s address, ${EXAMPLE}.`);
  if (text.length > MAX_LENGTH) return refuse(`An app address has at most ${MAX_LENGTH} characters.`);
  if (/sk_(test|live)_/i.test(text)) return refuse('This looks like a secret key, not an address. Nothing was saved.');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse(`Write the whole address with http://, ${EXAMPLE}.`);
  if (scheme === 'https') return refuse('Every https address already opens in this instance’s windows: only plain-http (http://) app addresses need listing.');
  if (scheme !== 'http') return refuse(`Only http:// addresses can be listed, ${EXAMPLE}.`);
  if (text.includes('*')) return refuse(`Wildcards are not allowed: list each app address exactly, ${EXAMPLE}.`);
  // `http://app@evil.test` reads like the app but goes to evil.test.
  if (text.includes('@')) return refuse('An app address cannot carry a user name or password (user:pass@…).');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(`This is not a valid address, ${EXAMPLE}.`);
  }
  if (url.pathname !== '/' || text.includes('?') || text.includes('#')) {
    return refuse(`List only the origin (scheme, host and port), without a path, query or fragment: ${url.origin}.`);
  }
  if (isLoopbackHost(url.hostname)) {
    return refuse(`${url.origin} is this computer’s own address: development instances already open it, on any port.`);
  }
  return { ok: true, origin: url.origin };
}

/**
 * A whole list as the console sends it → the normalised list to store. Duplicates (after
 * normalisation) are refused rather than dropped: an Add that silently changed nothing would leave
 * the agent wondering whether it was saved. Every problem is reported at its entry (`appOrigins.N`).
 */
export function parseAppOrigins(entries: readonly string[], production: boolean): string[] {
  const origins: string[] = [];
  const issues: { path: string; message: string }[] = [];
  if (entries.length > MAX_APP_ORIGINS) {
    issues.push({ path: 'appOrigins', message: `At most ${MAX_APP_ORIGINS} app addresses can be listed; remove one first.` });
  }
  entries.forEach((entry, index) => {
    const checked = checkAppOrigin(entry, production);
    if (!checked.ok) issues.push({ path: `appOrigins.${index}`, message: checked.problem });
    else if (origins.includes(checked.origin)) issues.push({ path: `appOrigins.${index}`, message: `Already listed as ${checked.origin}.` });
    else origins.push(checked.origin);
  });
  if (issues.length > 0) {
    throw new AppError({ kind: 'invalid-input', message: issues.length === 1 ? issues[0]!.message : 'Some app addresses cannot be listed.', issues });
  }
  return origins;
}
