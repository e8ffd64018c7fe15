// What "Verify history" says for a report from main.
import { describe, expect, it } from 'vitest';
import { verificationText } from '../../src/renderer/src/data/verification.ts';

describe('Verify history wording', () => {
  it('says intact with the count, or where the chain breaks', () => {
    expect(verificationText({ intact: true, events: 1, checkedAt: 0, firstBrokenSeq: null, problems: [] })).toBe('History intact: 1 event checked, every one unchanged and in order.');
    expect(verificationText({ intact: false, events: 12, checkedAt: 0, firstBrokenSeq: 5, problems: ['Event 5 (failed) was changed after it was written.'] })).toBe(
      'History altered outside Understudy: the chain breaks at event 5 (12 events checked). Nothing was changed or deleted by this check.',
    );
  });
});
