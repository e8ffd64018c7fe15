// What the console says when an impersonation changes phase, whoever caused it.
import { describe, expect, it } from 'vitest';
import { transitionNotice } from '../../src/renderer/src/data/impersonation-notices.ts';

const subject = { id: 'user_1', name: 'Ada Lovelace', email: null };

describe('transitionNotice', () => {
  it('says Ended only on the transition to ended, and a failure with its reason', () => {
    expect(transitionNotice({ subject, phase: 'ended', error: null }, 'signed-in')).toBe('Ended the impersonation of Ada Lovelace: Clerk confirmed it.');
    expect(transitionNotice({ subject, phase: 'ended', error: null }, 'ended')).toBeNull();
    expect(transitionNotice({ subject, phase: 'ending', error: null }, 'signed-in')).toBeNull();
    expect(transitionNotice({ subject, phase: 'failed', error: 'Clerk is unreachable.' }, 'ending')).toBe('The impersonation of Ada Lovelace failed. Clerk is unreachable.');
  });
});
