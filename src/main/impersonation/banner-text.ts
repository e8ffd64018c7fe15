// What the banner above every impersonated page says: whose session this is, who is acting, on
// which instance, and how long it has left. Computed here; the window adapters only draw it.
import type { ImpersonationPhase } from '../../shared/domain.ts';
import type { BannerContent } from './window-host.ts';

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

/** `mm:ss`, minutes unbounded (`90:00`), never negative; a started second counts as a whole one. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
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
    status: STATUS[info.phase],
    production: info.instance.production,
    error: info.error,
    canEnd: live,
  };
}
