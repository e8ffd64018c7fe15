// What the banner above every impersonated page says: whose session this is, who is acting, on
// which instance, and how long it has left. Computed here; the window adapters only draw it.
import type { ImpersonationPhase } from '../../shared/domain.ts';
import { formatTimeLeft } from '../../shared/time-left.ts';
import type { BannerContent } from './window-host.ts';

/** The console shows the same clock (one formatter for both). */
export { formatTimeLeft };

export interface BannerInfo {
  subject: { id: string; name: string; email: string | null };
  operator: { userId: string; name: string | null };
  instance: { name: string; production: boolean };
  readOnly: boolean;
  phase: ImpersonationPhase;
  /** The session cap, known once signed in. */
  sessionExpiresAt: number | null;
  /** When the window last brought a fresh session token (Clerk counts that as activity). */
  lastActivityAt: number | null;
  error: string | null;
}

const STATUS: Record<ImpersonationPhase, string> = {
  opening: 'Opening…',
  waiting: 'Signing in…',
  'signed-in': 'Signed in',
  ending: 'Ending…',
  ended: 'Ended',
  failed: 'Failed',
};

/**
 * Clerk ends an impersonated session after 10 minutes without activity (Clerk's impersonation docs,
 * see ../shared/clerk/REAL-CLERK.md "Lifetimes and limits"), whatever time the session cap leaves.
 */
export const CLERK_IMPERSONATION_IDLE_MS = 10 * 60_000;

/** The idle limit beside "Signed in": stated while active, counted once no fresh token came for a minute. */
function signedInStatus(lastActivityAt: number | null, now: number): string {
  const limit = Math.round(CLERK_IMPERSONATION_IDLE_MS / 60_000);
  const idleMinutes = lastActivityAt === null ? 0 : Math.floor((now - lastActivityAt) / 60_000);
  // Short: the banner is one line, and the window may be one tile of a grid.
  return idleMinutes >= 1 ? `Signed in · idle ${Math.min(idleMinutes, limit)} min, ends at ${limit}` : `Signed in · ends after ${limit} min idle`;
}

export function bannerText(info: BannerInfo, now: number): BannerContent {
  const who = info.subject.name.trim() || info.subject.id;
  const headline = `Impersonating ${who}${info.subject.email ? ` (${info.subject.email})` : ''}`;
  const by = info.operator.name ? `${info.operator.name} (${info.operator.userId})` : info.operator.userId;
  const detail = [
    `as ${by}`,
    `${info.instance.production ? 'PRODUCTION instance' : 'instance'} ${info.instance.name}`,
    ...(info.readOnly ? ['read-only'] : []),
  ].join(' · ');
  const live = info.phase === 'opening' || info.phase === 'waiting' || info.phase === 'signed-in';
  return {
    headline,
    detail,
    timeLeft: info.phase === 'signed-in' && info.sessionExpiresAt !== null ? formatTimeLeft(info.sessionExpiresAt - now) : null,
    status: info.phase === 'signed-in' ? signedInStatus(info.lastActivityAt, now) : STATUS[info.phase],
    production: info.instance.production,
    error: info.error,
    canEnd: live,
  };
}
