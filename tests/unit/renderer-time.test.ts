// Time as the console shows it: countdowns, relative times, durations, which clock applies.
import { describe, expect, it } from 'vitest';
import { formatTimeLeft as formatBannerTimeLeft } from '../../src/main/impersonation/banner-text.ts';
import { formatCountdown, formatDuration, formatRelative, formatUpcoming, isLivePhase, localizeInstants, timeLeft } from '../../src/renderer/src/data/time.ts';

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);

describe('formatCountdown', () => {
  it('writes minutes and seconds as the banner does, minutes unbounded', () => {
    expect(formatCountdown(245_000)).toBe('04:05');
    expect(formatCountdown(59_000)).toBe('00:59');
    expect(formatCountdown(1_800_000)).toBe('30:00');
    expect(formatCountdown(3_723_000)).toBe('62:03');
  });

  it('rounds up partial seconds and never goes negative', () => {
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(59_001)).toBe('01:00');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(-5000)).toBe('00:00');
  });

  it('is the banner’s own format', () => {
    for (const ms of [0, 1, 999, 59_001, 1_800_000, 5_400_000]) expect(formatCountdown(ms)).toBe(formatBannerTimeLeft(ms));
  });
});

describe('timeLeft', () => {
  const base = { tokenExpiresAt: NOW + 300_000, sessionExpiresAt: null };

  it('counts down the sign-in link before sign-in', () => {
    expect(timeLeft({ ...base, phase: 'waiting' }, NOW)).toEqual({ label: 'Sign-in link valid for', ms: 300_000, urgent: false });
    expect(timeLeft({ ...base, phase: 'opening' }, NOW + 250_000)).toEqual({ label: 'Sign-in link valid for', ms: 50_000, urgent: true });
  });

  it('counts down the session cap once signed in', () => {
    const view = { tokenExpiresAt: NOW - 1000, sessionExpiresAt: NOW + 1_800_000, phase: 'signed-in' as const };
    expect(timeLeft(view, NOW)).toEqual({ label: 'Session ends in', ms: 1_800_000, urgent: false });
    expect(timeLeft(view, NOW + 1_801_000)?.ms).toBe(0);
  });

  it('has no clock for finished impersonations', () => {
    expect(timeLeft({ ...base, phase: 'ended' }, NOW)).toBeNull();
    expect(timeLeft({ ...base, phase: 'failed' }, NOW)).toBeNull();
  });

  it('knows which phases are live', () => {
    expect(['opening', 'waiting', 'signed-in', 'ending'].every((phase) => isLivePhase(phase as never))).toBe(true);
    expect(isLivePhase('ended')).toBe(false);
    expect(isLivePhase('failed')).toBe(false);
  });
});

describe('formatRelative', () => {
  it('reads naturally', () => {
    expect(formatRelative(null, NOW, 'en-US')).toBe('never');
    expect(formatRelative(NOW - 10_000, NOW, 'en-US')).toBe('just now');
    expect(formatRelative(NOW - 5 * 60_000, NOW, 'en-US')).toBe('5 minutes ago');
    expect(formatRelative(NOW - 3 * 3_600_000, NOW, 'en-US')).toBe('3 hours ago');
    expect(formatRelative(NOW - 24 * 3_600_000, NOW, 'en-US')).toBe('yesterday');
    expect(formatRelative(NOW - 4 * 86_400_000, NOW, 'en-US')).toBe('4 days ago');
    expect(formatRelative(NOW + 2 * 3_600_000, NOW, 'en-US')).toBe('in 2 hours');
  });

  it('falls back to the date beyond a month', () => {
    expect(formatRelative(Date.UTC(2024, 0, 15, 12), NOW, 'en-US')).toBe('Jan 15, 2024');
  });
});

describe('formatDuration', () => {
  it('words policy durations', () => {
    expect(formatDuration(1800)).toBe('30 min');
    expect(formatDuration(5400)).toBe('1 h 30 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(0)).toBe('0 s');
  });
});

describe('localizeInstants', () => {
  it('replaces a UTC ISO instant in main’s words with local time and a relative time', () => {
    const text = 'Clerk ends it by itself at 2025-03-10T12:30:00.000Z.';
    const local = new Intl.DateTimeFormat('en-US', { timeStyle: 'short' }).format(Date.UTC(2025, 2, 10, 12, 30));
    expect(localizeInstants(text, NOW, 'en-US')).toBe(`Clerk ends it by itself at ${local} (in 30 minutes).`);
    expect(localizeInstants(text, NOW, 'en-US')).not.toMatch(/Z\b|T12/);
  });

  it('leaves text without an instant alone', () => {
    expect(localizeInstants('Clerk is unreachable (status 503).', NOW)).toBe('Clerk is unreachable (status 503).');
  });
});

describe('formatUpcoming', () => {
  const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
  it('counts the next few seconds, then minutes, and says now once due', () => {
    expect(formatUpcoming(NOW + 4_200, NOW, 'en-US')).toBe('in 5 seconds');
    expect(formatUpcoming(NOW + 20_000, NOW, 'en-US')).toBe('in 20 seconds');
    expect(formatUpcoming(NOW + 3 * 60_000, NOW, 'en-US')).toBe('in 3 minutes');
    expect(formatUpcoming(NOW, NOW, 'en-US')).toBe('now');
    expect(formatUpcoming(NOW - 1_000, NOW, 'en-US')).toBe('now');
  });
});
