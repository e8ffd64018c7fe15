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
    status: STATUS[info.phase],
    production: info.instance.production,
    error: info.error,
    canEnd: live,
  };
}
