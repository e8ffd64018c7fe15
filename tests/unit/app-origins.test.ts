// Which app origins a development profile may list, in what form they are kept, and what the agent
// is told about each one that cannot be listed.
import { describe, expect, it } from 'vitest';
import { checkAppOrigin, MAX_APP_ORIGINS, parseAppOrigins } from '../../src/main/impersonation/app-origins.ts';
import { AppError } from '../../src/shared/errors.ts';

const dev = (entry: string) => checkAppOrigin(entry, false);
const problemOf = (entry: string, production = false) => {
  const checked = checkAppOrigin(entry, production);
  if (checked.ok) throw new Error(`${entry} was accepted as ${checked.origin}`);
  return checked.problem;
};

describe('checkAppOrigin', () => {
  it.each([
    ['http://dev-box.internal:3000', 'http://dev-box.internal:3000'],
    ['  http://dev-box.internal:3000/  ', 'http://dev-box.internal:3000'],
    ['HTTP://Dev-Box.INTERNAL:3000', 'http://dev-box.internal:3000'],
    ['http://preview.acme.test:80', 'http://preview.acme.test'],
    ['http://10.0.0.7:8080', 'http://10.0.0.7:8080'],
    ['http://[fd00::7]:5173', 'http://[fd00::7]:5173'],
    ['http://bücher.test:3000', 'http://xn--bcher-kva.test:3000'],
  ])('lists %s as %s', (entry, origin) => {
    expect(dev(entry)).toEqual({ ok: true, origin });
  });

  it.each([
    ['http://dev-box.internal:3000/app', /without a path, query or fragment: http:\/\/dev-box\.internal:3000\./],
    ['http://dev-box.internal:3000/?x=1', /without a path, query or fragment/],
    ['http://dev-box.internal:3000?', /without a path, query or fragment/],
    ['http://dev-box.internal:3000#top', /without a path, query or fragment/],
    ['http://dev-box.internal\\app', /without a path/],
    ['http://user:pw@dev-box.internal:3000', /user name or password/],
    ['http://dev-box.internal@evil.test', /user name or password/],
    ['http://*.internal:3000', /Wildcards are not allowed/],
    ['http://dev-*.internal', /Wildcards are not allowed/],
    ['ftp://dev-box.internal', /Only http:\/\/ addresses/],
    ['ws://dev-box.internal:3000', /Only http:\/\/ addresses/],
    ['javascript://dev-box.internal/%0aalert(1)', /Only http:\/\/ addresses/],
    ['https://dev-box.internal', /Every https address already opens/],
    ['dev-box.internal:3000', /with http:\/\//],
    ['//dev-box.internal:3000', /with http:\/\//],
    ['http://dev box:3000', /not a valid address/],
    ['http://dev-box.internal:99999', /not a valid address/],
    ['http://', /not a valid address/],
    ['', /Type the app’s address/],
    ['   ', /Type the app’s address/],
    [`http://${'a'.repeat(300)}.test`, /at most 300 characters/],
    ['http://localhost:3000', /http:\/\/localhost:3000 is this computer’s own address/],
    ['http://127.0.0.1:5173', /already open it, on any port/],
    ['http://[::1]:8080', /already open it/],
  ])('refuses %s', (entry, problem) => {
    expect(problemOf(entry)).toMatch(problem);
  });

  it('never repeats what was typed when it is refused', () => {
    const key = `sk_live_${'Q'.repeat(40)}`;
    for (const entry of [key, `http://${key}.test`, `http://user:${key}@dev-box.internal`, `${key}://x`, `http://dev-box.internal/${key}`]) {
      expect(problemOf(entry)).not.toContain(key);
    }
    expect(problemOf(key)).toMatch(/looks like a secret key/);
  });

  it('lists nothing for a production instance, saying why: https opens already and plain http would be a downgrade', () => {
    for (const entry of ['http://dev-box.internal:3000', 'https://app.acme.com']) {
      expect(problemOf(entry, true)).toMatch(/production instance \(sk_live_\) runs on https only.*unencrypted/);
    }
  });
});

describe('parseAppOrigins', () => {
  it('keeps the order and the normalised form', () => {
    expect(parseAppOrigins(['http://B.test:3000/', 'http://a.test'], false)).toEqual(['http://b.test:3000', 'http://a.test']);
    expect(parseAppOrigins([], true)).toEqual([]);
  });

  it('refuses a duplicate after normalisation, at its entry, naming what it duplicates', () => {
    const error = catchError(() => parseAppOrigins(['http://dev-box.internal:3000', 'HTTP://dev-box.internal:3000/'], false));
    expect(error).toMatchObject({ kind: 'invalid-input', message: 'Already listed as http://dev-box.internal:3000.' });
    expect(error.issues).toEqual([{ path: 'appOrigins.1', message: 'Already listed as http://dev-box.internal:3000.' }]);
  });

  it('reports every bad entry at its own index', () => {
    const error = catchError(() => parseAppOrigins(['http://ok.test', 'https://x.test', 'http://ok.test/path'], false));
    expect(error.message).toBe('Some app addresses cannot be listed.');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['appOrigins.1', 'appOrigins.2']);
  });

  it(`holds at most ${MAX_APP_ORIGINS} addresses`, () => {
    const many = Array.from({ length: MAX_APP_ORIGINS + 1 }, (_, n) => `http://dev-${n}.internal:3000`);
    expect(parseAppOrigins(many.slice(0, MAX_APP_ORIGINS), false)).toHaveLength(MAX_APP_ORIGINS);
    const error = catchError(() => parseAppOrigins(many, false));
    expect(error.issues).toEqual([{ path: 'appOrigins', message: expect.stringMatching(/^At most \d+ app addresses can be listed; remove one first\.$/) }]);
  });
});

function catchError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}
