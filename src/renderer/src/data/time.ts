// Time as a support agent reads it: relative for recency, a ticking clock for what is about to end.
import type { ImpersonationPhase, ImpersonationView } from '../../../shared/domain.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "5 minutes ago", "yesterday", "never"; beyond a month, the date itself. */
export function formatRelative(timestamp: number | null, now: number, locale?: string): string {
  if (timestamp === null) return 'never';
  const delta = timestamp - now;
  const distance = Math.abs(delta);
  if (distance < 45_000) return 'just now';
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (distance < HOUR) return relative.format(Math.round(delta / MINUTE), 'minute');
  if (distance < DAY) return relative.format(Math.round(delta / HOUR), 'hour');
  if (distance < 30 * DAY) return relative.format(Math.round(delta / DAY), 'day');
  return formatDate(timestamp, locale);
}

/** A moment soon to come: "in 20 seconds", "in 3 minutes", "now" once it is due. */
export function formatUpcoming(timestamp: number, now: number, locale?: string): string {
  const delta = timestamp - now;
  if (delta <= 0) return 'now';
  if (delta < MINUTE) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.ceil(delta / 1000), 'second');
  return formatRelative(timestamp, now, locale);
}

export function formatDate(timestamp: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(timestamp);
}

/** Local wall-clock time, "14:05" (the date is implied: recent). */
export function formatTime(timestamp: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(timestamp);
}

export function formatDateTime(timestamp: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(timestamp);
}

/** A countdown, written exactly as the impersonation banner writes it ("05:00", "90:00"). */
export { formatTimeLeft as formatCountdown } from '../../../shared/time-left.ts';

/** Policy-sized durations in words: "1 h 30 min", "30 min", "45 s". */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (rest || parts.length === 0) parts.push(`${rest} s`);
  return parts.join(' ');
}

export interface TimeLeft {
  /** What the clock counts down to, e.g. "Session ends in". */
  label: string;
  ms: number;
  /** Under a minute: worth drawing attention to. */
  urgent: boolean;
}

/**
 * Before sign-in the single-use ticket is what can run out; once signed in, the session cap.
 * Finished impersonations have no clock.
 */
export function timeLeft(view: Pick<ImpersonationView, 'phase' | 'tokenExpiresAt' | 'sessionExpiresAt'>, now: number): TimeLeft | null {
  const live: ImpersonationPhase[] = ['opening', 'waiting', 'signed-in'];
  if (!live.includes(view.phase)) return null;
  if (view.phase === 'signed-in' && view.sessionExpiresAt !== null) {
    const ms = Math.max(0, view.sessionExpiresAt - now);
    return { label: 'Session ends in', ms, urgent: ms < MINUTE };
  }
  const ms = Math.max(0, view.tokenExpiresAt - now);
  return { label: 'Sign-in link valid for', ms, urgent: ms < MINUTE };
}

export const PHASE_LABELS: Record<ImpersonationPhase, string> = {
  opening: 'Opening window',
  waiting: 'Waiting for sign-in',
  'signed-in': 'Signed in',
  ending: 'Ending',
  ended: 'Ended',
  failed: 'Failed',
};

export function isLivePhase(phase: ImpersonationPhase): boolean {
  return phase === 'opening' || phase === 'waiting' || phase === 'signed-in' || phase === 'ending';
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g;

/**
 * Main's messages name instants in UTC ISO form ("…ends it by itself at 2026-11-29T08:30:38.471Z."):
 * shown to the agent in local time with a relative time instead ("at 08:30 (in 29 minutes)").
 */
export function localizeInstants(text: string, now: number, locale?: string): string {
  return text.replace(ISO_INSTANT, (iso) => {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return iso;
    const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
    return `${sameDay ? formatTime(at, locale) : formatDateTime(at, locale)} (${formatRelative(at, now, locale)})`;
  });
}
