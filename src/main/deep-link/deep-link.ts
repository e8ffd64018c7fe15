// Deep links from helpdesk tools: understudy://impersonate?instance=…&user=…&ticket=…
// A link is untrusted input (any web page can open one), so it is parsed strictly and only ever
// fills in the impersonate dialog: the agent still reviews and confirms, nothing starts from a link.
import type { ImpersonatePrefill, Profile } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';

export const PROTOCOL = 'understudy';
const MAX_LENGTH = 2048;
const USER_ID = /^user_[A-Za-z0-9]{1,64}$/;
const TICKET = /^[A-Za-z0-9#][A-Za-z0-9#._:/-]{0,79}$/;
const ALLOWED = new Set(['instance', 'user', 'ticket']);

export interface DeepLink {
  /** The instance as the helpdesk names it: its name in Understudy or its key hint (`sk_live_…abcd`). */
  instance: string;
  userId: string;
  ticket: string | null;
}


export function parseDeepLink(raw: string): DeepLink {
  if (raw.length > MAX_LENGTH) throw invalid('it is too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('it is not a link');
  }
  if (url.protocol !== `${PROTOCOL}:`) throw invalid('it is not an understudy:// link');
  if (url.hostname !== 'impersonate' || (url.pathname !== '' && url.pathname !== '/')) throw invalid('Understudy only opens understudy://impersonate links');
  if (url.username || url.password || url.port || url.hash) throw invalid('it carries parts an impersonate link never has');
  for (const key of url.searchParams.keys()) if (!ALLOWED.has(key)) throw invalid(`it has an unknown parameter “${key.slice(0, 40)}”`);
  for (const key of ALLOWED) if (url.searchParams.getAll(key).length > 1) throw invalid(`“${key}” is given twice`);
  const instance = url.searchParams.get('instance')?.trim() ?? '';
  const userId = url.searchParams.get('user')?.trim() ?? '';
  const ticket = url.searchParams.get('ticket')?.trim() || null;
  if (!instance || instance.length > 80) throw invalid('it does not name an instance');
  if (!USER_ID.test(userId)) throw invalid('“user” must be a Clerk user id (user_…)');
  if (ticket !== null && !TICKET.test(ticket)) throw invalid('“ticket” must be a ticket reference such as SUP-1234');
  return { instance, userId, ticket };
}

/** Finds the instance and the user the link names; clear messages when either is unknown. */
export async function resolveDeepLink(
  link: DeepLink,
  profiles: readonly Profile[],
  getUser: (profileId: string, userId: string) => Promise<{ id: string; name: string }>,
): Promise<ImpersonatePrefill> {
  const wanted = link.instance.toLowerCase();
  const profile = profiles.find((p) => p.name.toLowerCase() === wanted || p.keyHint.toLowerCase() === wanted);
  if (!profile) {
    throw new AppError({ kind: 'not-found', message: `The link names the instance “${link.instance}”, which is not set up in Understudy. Add it, or ask for a link to an instance you have.` });
  }
  let user: { id: string; name: string };
  try {
    user = await getUser(profile.id, link.userId);
  } catch (error) {
    if (error instanceof AppError && error.kind === 'not-found') {
      throw new AppError({ kind: 'not-found', message: `The link names the user ${link.userId}, who does not exist in “${profile.name}”. Check the ticket for the right user.` });
    }
    throw error;
  }
  return { profileId: profile.id, userId: user.id, userName: user.name, reason: link.ticket ?? '' };
}

function invalid(why: string): AppError {
  return new AppError({ kind: 'invalid-input', message: `This link cannot be opened: ${why}.` });
}
