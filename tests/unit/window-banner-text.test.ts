import { describe, expect, it } from 'vitest';
import { bannerText, formatTimeLeft, type BannerInfo } from '../../src/main/impersonation/banner-text.ts';

const info: BannerInfo = {
  subject: { id: 'user_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  operator: { userId: 'user_op', name: 'Grace Hopper' },
  instance: { name: 'Acme prod', production: true },
  readOnly: true,
  phase: 'signed-in',
  sessionExpiresAt: 1_000_000 + 15 * 60_000,
  lastActivityAt: 1_000_000 + 30_000,
  error: null,
};

describe('formatTimeLeft', () => {
  it('reads mm:ss, minutes unbounded, never negative', () => {
    expect(formatTimeLeft(0)).toBe('00:00');
    expect(formatTimeLeft(-5000)).toBe('00:00');
    expect(formatTimeLeft(59_000)).toBe('00:59');
    expect(formatTimeLeft(61_000)).toBe('01:01');
    expect(formatTimeLeft(90 * 60_000)).toBe('90:00');
  });

  it('counts a started second as a whole one, so 00:00 means over', () => {
    expect(formatTimeLeft(1)).toBe('00:01');
    expect(formatTimeLeft(999)).toBe('00:01');
  });
});

describe('bannerText', () => {
  it('says who is impersonated, by whom, on which instance, and the time left', () => {
    const content = bannerText(info, 1_000_000 + 60_000 + 500);
    expect(content.headline).toBe('Impersonating Ada Lovelace (ada@example.com)');
    expect(content.detail).toBe('as Grace Hopper (user_op) · PRODUCTION instance Acme prod · read-only');
    expect(content.timeLeft).toBe('14:00');
    expect(content.production).toBe(true);
    expect(content.status).toBe('Signed in · ends after 10 min idle');
    expect(content.canEnd).toBe(true);
    expect(content.error).toBeNull();
  });

  it("counts the idle time against Clerk's 10-minute limit once no fresh token came for a minute", () => {
    expect(bannerText(info, 1_000_000 + 30_000 + 59_999).status).toBe('Signed in · ends after 10 min idle');
    expect(bannerText(info, 1_000_000 + 30_000 + 4.5 * 60_000).status).toBe('Signed in · idle 4 min, ends at 10');
    // Past the limit Clerk has ended it (the liveness check ends it here): the count stops at the limit.
    expect(bannerText(info, 1_000_000 + 30_000 + 25 * 60_000).status).toBe('Signed in · idle 10 min, ends at 10');
  });

  it('falls back to ids when names are missing, and drops flags that do not apply', () => {
    const content = bannerText(
      { ...info, subject: { id: 'user_x', name: '  ', email: null }, operator: { userId: 'user_op', name: null }, instance: { name: 'Dev', production: false }, readOnly: false },
      1_000_000,
    );
    expect(content.headline).toBe('Impersonating user_x');
    expect(content.detail).toBe('as user_op · instance Dev');
    expect(content.production).toBe(false);
  });

  it('shows no countdown before sign-in, and no End button once over', () => {
    const waiting = bannerText({ ...info, phase: 'waiting', sessionExpiresAt: null }, 1_000_000);
    expect(waiting.timeLeft).toBeNull();
    expect(waiting.status).toBe('Signing in…');
    expect(waiting.canEnd).toBe(true);

    const failed = bannerText({ ...info, phase: 'failed', error: 'The sign-in did not match the user.' }, 1_000_000);
    expect(failed.canEnd).toBe(false);
    expect(failed.timeLeft).toBeNull();
    expect(failed.error).toBe('The sign-in did not match the user.');

    expect(bannerText({ ...info, phase: 'ended' }, 1_000_000).canEnd).toBe(false);
    expect(bannerText({ ...info, phase: 'ending' }, 1_000_000).canEnd).toBe(false);
  });

  it('counts down to 00:00 at the cap', () => {
    expect(bannerText(info, info.sessionExpiresAt!).timeLeft).toBe('00:00');
    expect(bannerText(info, info.sessionExpiresAt! + 10_000).timeLeft).toBe('00:00');
  });
});
