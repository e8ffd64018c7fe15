import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';
import { isProductionKey, keyHint, parseSecretKey } from '../../src/main/credentials/secret-key.ts';

const TEST_KEY = 'sk_test_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0wxyz';
const LIVE_KEY = 'sk_live_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0abcd';

function failure(raw: string): AppError {
  try {
    parseSecretKey(raw);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the key to be refused');
}

describe('parseSecretKey', () => {
  it('accepts development and production keys and tells them apart', () => {
    expect(parseSecretKey(TEST_KEY)).toEqual({ production: false, hint: 'sk_test_…wxyz' });
    expect(parseSecretKey(LIVE_KEY)).toEqual({ production: true, hint: 'sk_live_…abcd' });
  });

  it('forgives whitespace around a pasted key', () => {
    expect(parseSecretKey(`  ${LIVE_KEY}\n`).production).toBe(true);
  });

  it.each([
    ['', /Paste the secret key/],
    ['   ', /Paste the secret key/],
    [`${TEST_KEY.slice(0, 20)} ${TEST_KEY.slice(20)}`, /space or line break/],
    [`${TEST_KEY.slice(0, 20)}\n${TEST_KEY.slice(20)}`, /space or line break/],
    ['pk_test_' + 'a'.repeat(40), /publishable key/],
    ['sk_prod_' + 'a'.repeat(40), /starts with sk_test_ or sk_live_/],
    ['SK_TEST_' + 'a'.repeat(40), /starts with sk_test_ or sk_live_/],
    ['sk_test_' + 'a'.repeat(30) + '-_=', /only letters, digits, - and _/],
    ['sk_test_' + 'a'.repeat(30) + '.', /only letters, digits, - and _/],
    ['sk_test_' + 'é'.repeat(30), /only letters, digits, - and _/],
    ['sk_test_abc123', /too short/],
    ['sk_live_' + 'a'.repeat(201), /too long/],
  ])('refuses %j with a specific message', (raw, message) => {
    const error = failure(raw);
    expect(error.kind).toBe('invalid-input');
    expect(error.message).toMatch(message);
    expect(error.issues?.[0]?.path).toBe('secretKey');
  });

  it('never repeats the key in its message', () => {
    const bad = 'sk_live_' + 'Q'.repeat(30) + '!secretpart';
    const error = failure(bad);
    expect(JSON.stringify({ ...error.toData(), message: error.message })).not.toContain('secretpart');
    expect(error.message).not.toContain('QQQQ');
  });
});

describe('keyHint', () => {
  it('shows the prefix and the last four characters only', () => {
    expect(keyHint(LIVE_KEY)).toBe('sk_live_…abcd');
    expect(keyHint(TEST_KEY)).toBe('sk_test_…wxyz');
    expect(keyHint(LIVE_KEY).length).toBe('sk_live_…abcd'.length);
  });

  it('reveals nothing of a short or unknown key beyond the prefix', () => {
    expect(keyHint('sk_test_short')).toBe('sk_test_…');
    expect(keyHint('whatever-this-is-1234')).toBe('…1234');
    expect(keyHint('abc')).toBe('…');
  });
});

describe('isProductionKey', () => {
  it('is true for sk_live_ only', () => {
    expect(isProductionKey(LIVE_KEY)).toBe(true);
    expect(isProductionKey(TEST_KEY)).toBe(false);
    expect(isProductionKey('live_' + LIVE_KEY)).toBe(false);
  });
});
