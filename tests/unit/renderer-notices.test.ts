// What the console says when an impersonation changes phase, whoever caused it.
import { describe, expect, it } from 'vitest';
import { transitionNotice } from '../../src/renderer/src/data/impersonation-notices.ts';

const subject = { id: 'user_1', name: 'Ada Lovelace', email: null };
const ending = { attempts: 1, nextAttemptAt: 1_700_000_005_000, problem: 'Clerk is unreachable.', clerkEndsBy: 1_700_001_800_000 };

describe('transitionNotice', () => {
  it('says Ended only on the transition to ended, and a failure with its reason', () => {
    expect(transitionNotice({ subject, phase: 'ended', error: null, ending: null, queued: null }, 'signed-in')).toBe('Ended the impersonation of Ada Lovelace: Clerk confirmed it.');
    expect(transitionNotice({ subject, phase: 'ended', error: null, ending: null, queued: null }, 'ended')).toBeNull();
    expect(transitionNotice({ subject, phase: 'ending', error: null, ending: null, queued: null }, 'signed-in')).toBeNull();
    expect(transitionNotice({ subject, phase: 'failed', error: 'Clerk is unreachable.', ending: null, queued: null }, 'ending')).toBe('The impersonation of Ada Lovelace failed. Clerk is unreachable.');
  });

  it('says once that Clerk has not confirmed an end and that it is retried, never "Ended"', () => {
    expect(transitionNotice({ subject, phase: 'ending', error: null, ending, queued: null }, 'ending')).toBe(
      'Could not end the impersonation of Ada Lovelace at Clerk yet: Clerk is unreachable. Understudy keeps retrying; Retry on the Active screen tries now.',
    );
    expect(transitionNotice({ subject, phase: 'ending', error: null, ending: { ...ending, attempts: 2 }, queued: null }, 'retrying')).toBeNull();
    expect(transitionNotice({ subject, phase: 'ended', error: null, ending: null, queued: null }, 'retrying')).toBe('Ended the impersonation of Ada Lovelace: Clerk confirmed it.');
    // Clerk's own expiry passed first: over, and said as what happened.
    expect(transitionNotice({ subject, phase: 'ended', error: 'Clerk ended it by itself.', ending: null, queued: null }, 'retrying')).toBe('The impersonation of Ada Lovelace is over. Clerk ended it by itself.');
  });
});
