// "Check with Clerk": the history of a period verified against Clerk's own record. Clerk cannot
// list actor tokens, but it lists each user's sessions with their `actor`; for every user the
// period's entries impersonated, this asks for those sessions and reports
//   - impersonated sessions the history does not know (the Dashboard, the CLI, another tool or computer),
//   - sessions the history says are over that Clerk still has live,
//   - entries whose outcome is unknown (an ambiguous mint), with the sessions Clerk has for them.
// One user at a time: a desk's history names many users, and the Backend API allows 100 requests
// per 10 s on development instances; the gateway waits out a 429 as Retry-After says.
import { randomUUID } from 'node:crypto';
import type { CheckedSession, ClerkCheckProgress, ClerkCheckReport, LedgerEntry, SessionSummary, StillActiveSession, UnknownOutcome } from '../../shared/domain.ts';
import { LIVE_STATUSES } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { SESSION_PAGE_SIZE, type ClerkGateway } from '../clerk/gateway.ts';

/** Sessions Clerk still counts as signed in (`pending`: session tasks outstanding). */
const LIVE_AT_CLERK: readonly SessionSummary['status'][] = ['active', 'pending'];

export interface ClerkCheckDeps {
  /** Entries newest first; `from`/`to` bound createdAt (the ledger's query). */
  query(filter: { from?: number; to?: number; userId?: string; profileId?: string }): LedgerEntry[];
  /** Throws AppError not-found when the instance is no longer configured. */
  gateway(profileId: string): Pick<ClerkGateway, 'listSessions'>;
  /** Impersonations running in this run of Understudy: their sessions are live on purpose. */
  isRunning(entryId: string): boolean;
  now(): number;
  onProgress?(progress: ClerkCheckProgress): void;
}

interface Subject {
  profileId: string;
  profileName: string;
  id: string;
  name: string;
}

export async function checkWithClerk(deps: ClerkCheckDeps, period: { from: number; to: number }): Promise<ClerkCheckReport> {
  const report: ClerkCheckReport = {
    id: randomUUID(),
    checkedAt: deps.now(),
    from: period.from,
    to: period.to,
    entries: 0,
    subjects: 0,
    checkedSubjects: 0,
    foreign: [],
    stillActive: [],
    unknownOutcome: [],
    problems: [],
    complete: false,
  };
  const entries = deps.query({ from: period.from, to: period.to });
  report.entries = entries.length;
  const subjects = new Map<string, Subject>();
  for (const entry of entries) {
    subjects.set(subjectKey(entry.profileId, entry.subject.id), { profileId: entry.profileId, profileName: entry.profileName, id: entry.subject.id, name: entry.subject.name });
  }
  report.subjects = subjects.size;
  const unknownSessions = new Map<string, UnknownOutcome['sessions']>();
  deps.onProgress?.({ checkId: report.id, done: 0, total: subjects.size });

  let stoppedBy: AppError | null = null;
  for (const subject of subjects.values()) {
    if (stoppedBy) break;
    try {
      const sessions = await sessionsSince(deps.gateway(subject.profileId), subject.id, period.from);
      classify(report, subject, sessions, deps, period, unknownSessions);
      report.checkedSubjects++;
    } catch (error) {
      const problem = error instanceof AppError ? error : new AppError({ kind: 'internal', message: 'An unexpected error occurred.' });
      report.problems.push(`${subject.name} (${subject.id}) in “${subject.profileName}” was not checked: ${problem.message}`);
      // Clerk limiting requests beyond what the gateway waited for: asking on would only be refused too.
      if (problem.kind === 'rate-limited') stoppedBy = problem;
    }
    deps.onProgress?.({ checkId: report.id, done: report.checkedSubjects + report.problems.length, total: subjects.size });
  }
  const notAsked = subjects.size - report.checkedSubjects - report.problems.length;
  if (stoppedBy && notAsked > 0) report.problems.push(`${notAsked} more user(s) were not asked about because Clerk is limiting requests. Run the check again later.`);

  for (const entry of entries) {
    if (entry.status !== 'unknown') continue;
    report.unknownOutcome.push({
      entryId: entry.id,
      profileName: entry.profileName,
      subject: { id: entry.subject.id, name: entry.subject.name },
      createdAt: entry.createdAt,
      tokenExpiresAt: entry.tokenExpiresAt,
      sessions: unknownSessions.get(entry.id) ?? [],
    });
  }
  report.complete = report.checkedSubjects === subjects.size;
  return report;
}

/** The user's sessions, newest first, down to the first page that reaches back before `from`. */
async function sessionsSince(gateway: Pick<ClerkGateway, 'listSessions'>, userId: string, from: number): Promise<SessionSummary[]> {
  const all: SessionSummary[] = [];
  for (let offset = 0; ; offset += SESSION_PAGE_SIZE) {
    const page = await gateway.listSessions({ userId, offset });
    all.push(...page);
    if (page.length < SESSION_PAGE_SIZE || page.some((session) => session.createdAt < from)) return all;
  }
}

function classify(
  report: ClerkCheckReport,
  subject: Subject,
  sessions: SessionSummary[],
  deps: ClerkCheckDeps,
  period: { from: number; to: number },
  unknownSessions: Map<string, UnknownOutcome['sessions']>,
): void {
  // Every impersonation of this user the history knows, whenever it was: a session of the period
  // may belong to an entry started just before it.
  const known = deps.query({ userId: subject.id, profileId: subject.profileId });
  const byId = new Map(known.map((entry) => [entry.id, entry]));
  const bySession = new Map(known.filter((entry) => entry.sessionId).map((entry) => [entry.sessionId!, entry]));

  for (const session of sessions) {
    if (!session.actor) continue;
    // Understudy stamps each impersonation's reference on the actor (`ref`), so a session is
    // matched even when the history never learnt its id (an unknown outcome, a crash).
    const ref = typeof session.actor['ref'] === 'string' ? session.actor['ref'] : null;
    const entry = bySession.get(session.id) ?? (ref ? byId.get(ref) : undefined);
    const seen: CheckedSession = {
      profileId: subject.profileId,
      profileName: subject.profileName,
      subject: { id: subject.id, name: subject.name },
      sessionId: session.id,
      status: session.status,
      createdAt: session.createdAt,
      actor: session.actor,
    };
    const live = LIVE_AT_CLERK.includes(session.status);
    if (!entry) {
      if (live || (session.createdAt >= period.from && session.createdAt <= period.to)) report.foreign.push(seen);
      continue;
    }
    if (entry.status === 'unknown') unknownSessions.set(entry.id, [...(unknownSessions.get(entry.id) ?? []), { id: session.id, status: session.status }]);
    if (live && !LIVE_STATUSES.includes(entry.status) && !deps.isRunning(entry.id)) {
      const still: StillActiveSession = { ...seen, entryId: entry.id, entryStatus: entry.status, endedAt: null };
      report.stillActive.push(still);
    }
  }
}

function subjectKey(profileId: string, userId: string): string {
  return `${profileId}\u0000${userId}`;
}
