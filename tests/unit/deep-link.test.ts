// Helpdesk deep links: strict parsing of untrusted links.
import { describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../src/main/deep-link/deep-link.ts';
import { AppError } from '../../src/shared/errors.ts';

function refusal(url: string): string {
  try {
    parseDeepLink(url);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('invalid-input');
    return (error as AppError).message;
  }
  throw new Error(`accepted ${url}`);
}

describe('parseDeepLink', () => {
  it('reads instance, user and ticket', () => {
    expect(parseDeepLink('understudy://impersonate?instance=Acme%20Live&user=user_2abc&ticket=SUP-1234')).toEqual({ instance: 'Acme Live', userId: 'user_2abc', ticket: 'SUP-1234' });
    expect(parseDeepLink('understudy://impersonate/?user=user_2abc&instance=sk_live_…abcd')).toEqual({ instance: 'sk_live_…abcd', userId: 'user_2abc', ticket: null });
  });

  it('refuses anything else, saying why', () => {
    expect(refusal('https://impersonate?instance=a&user=user_1')).toBe('This link cannot be opened: it is not an understudy:// link.');
    expect(refusal('understudy://start?instance=a&user=user_1')).toBe('This link cannot be opened: Understudy only opens understudy://impersonate links.');
    expect(refusal('understudy://impersonate?instance=a&user=user_1&confirm=yes')).toBe('This link cannot be opened: it has an unknown parameter “confirm”.');
    expect(refusal('understudy://impersonate?instance=a&user=user_1&user=user_2')).toBe('This link cannot be opened: “user” is given twice.');
    expect(refusal('understudy://impersonate?instance=a&user=bob@example.com')).toBe('This link cannot be opened: “user” must be a Clerk user id (user_…).');
    expect(refusal('understudy://impersonate?user=user_1')).toBe('This link cannot be opened: it does not name an instance.');
    expect(refusal('understudy://impersonate?instance=a&user=user_1&ticket=<script>')).toBe('This link cannot be opened: “ticket” must be a ticket reference such as SUP-1234.');
    expect(refusal('understudy://x:y@impersonate?instance=a&user=user_1')).toBe('This link cannot be opened: it carries parts an impersonate link never has.');
    expect(refusal(`understudy://impersonate?instance=a&user=user_1&ticket=${'A'.repeat(3000)}`)).toBe('This link cannot be opened: it is too long.');
    expect(refusal('not a link')).toBe('This link cannot be opened: it is not a link.');
  });
});
