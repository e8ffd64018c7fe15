// "Check with Clerk": the history of a period verified against Clerk's own record of the users'
// sessions. Main asks Clerk one user at a time and reports how far it got; the report lists
// impersonations the history does not know, sessions still live at Clerk although the history says
// they are over (each can be ended, after a confirmation, and shows ended only once Clerk says so),
// and entries whose outcome is unknown. It can be exported, and main records it in the history.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { CheckedSession, ClerkCheckProgress, ClerkCheckReport, StillActiveSession } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { announce } from '../data/announcer.ts';
import { useAction } from '../data/hooks.ts';
import { formatDateTime } from '../data/time.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { CopyId } from './CopyId.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Field } from './Field.tsx';

const DAY = 24 * 3600 * 1000;
const PERIODS = [
  { days: 1, label: 'The last 24 hours' },
  { days: 7, label: 'The last 7 days' },
  { days: 30, label: 'The last 30 days' },
  { days: 90, label: 'The last 90 days' },
] as const;

/** The History toolbar's button and the dialog it opens. */
export function ClerkCheck() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Check with Clerk…
      </button>
      {open ? <ClerkCheckDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ClerkCheckDialog({ onClose }: { onClose(): void }) {
  const [days, setDays] = useState<number>(7);
  const [report, setReport] = useState<ClerkCheckReport | null>(null);
  const [progress, setProgress] = useState<ClerkCheckProgress | null>(null);
  const check = useAction(async () => {
    setReport(null);
    setProgress(null);
    const to = Date.now();
    const result = await call(api().clerk.check({ from: to - days * DAY, to }));
    setReport(result);
    announce(summaryOf(result));
  });
  useEffect(() => api().on('clerk:checkProgress', setProgress), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!check.busy) void check.run();
  };

  return (
    <Dialog
      title="Check with Clerk"
      onClose={onClose}
      size="large"
      testId="clerk-check"
      description={<p>Asks Clerk for the sessions of every user this history impersonated in a period, and reports what the history does not account for.</p>}
    >
      <form className="clerk-check__form" onSubmit={submit} aria-label="Check with Clerk">
        <Field label="Period" className="field--inline">
          <select value={days} onChange={(event) => setDays(Number(event.target.value))} disabled={check.busy}>
            {PERIODS.map((period) => (
              <option key={period.days} value={period.days}>
                {period.label}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="button button--primary" disabled={check.busy} aria-busy={check.busy || undefined}>
          {check.busy ? 'Checking…' : report ? 'Check again' : 'Check'}
        </button>
      </form>
      <div role="status" className="clerk-check__progress">
        {check.busy ? <ProgressLine progress={progress} /> : null}
      </div>
      {check.error ? <ErrorMessage error={check.error} onRetry={() => void check.run()} /> : null}
      {report && !check.busy ? <Report report={report} onChange={setReport} /> : null}
    </Dialog>
  );
}

function ProgressLine({ progress }: { progress: ClerkCheckProgress | null }) {
  if (!progress) return <p>Reading the history…</p>;
  return (
    <p className="clerk-check__progress-line">
      <progress max={Math.max(progress.total, 1)} value={progress.done} aria-label="Users asked about" />
      Asked Clerk about {progress.done} of {plural(progress.total, 'user')}, one at a time (Clerk limits requests).
    </p>
  );
}

function Report({ report, onChange }: { report: ClerkCheckReport; onChange(report: ClerkCheckReport): void }) {
  const [ending, setEnding] = useState<StillActiveSession | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const end = useAction(async (session: StillActiveSession) => {
    const next = await call(api().clerk.endSession({ checkId: report.id, sessionId: session.sessionId }));
    onChange(next);
    setEnding(null);
    const confirmed = next.stillActive.find((candidate) => candidate.sessionId === session.sessionId);
    announce(`Clerk confirmed the session ${session.sessionId} of ${session.subject.name} is ${confirmed?.status ?? 'over'}.`, 'success');
  });
  const exporter = useAction(async (format: 'csv' | 'json') => {
    setExported(null);
    const result = await call(api().clerk.exportCheck({ checkId: report.id, format }));
    setExported(result.path === null ? 'Export cancelled: nothing was saved.' : `Exported the report (${plural(result.count, 'finding')}) to ${result.path}`);
  });

  return (
    <div className="clerk-check__report" data-testid="clerk-check-report">
      <p className="clerk-check__summary">{summaryOf(report)} This check is recorded in the history.</p>
      {report.problems.length ? (
        <div className="alert alert--warning" role="alert">
          <p>{report.complete ? 'Some things could not be checked:' : 'The check is incomplete:'}</p>
          <ul>
            {report.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section aria-labelledby="clerk-check-foreign">
        <h3 id="clerk-check-foreign" className="clerk-check__heading">
          Impersonations this history does not know ({report.foreign.length})
        </h3>
        {report.foreign.length === 0 ? (
          <p className="muted">None: Clerk reports no impersonated session of these users in the period (or still live) that this history does not know.</p>
        ) : (
          <>
            <p className="muted">Started from the Clerk Dashboard, the CLI, another tool or another computer.</p>
            <SessionTable
              sessions={report.foreign}
              columns={[
                ['Clerk says', (session) => session.status],
                ['Started', (session) => formatDateTime(session.createdAt)],
                ['Actor', (session) => <span className="mono">{actorText(session.actor)}</span>],
              ]}
            />
          </>
        )}
      </section>

      <section aria-labelledby="clerk-check-live">
        <h3 id="clerk-check-live" className="clerk-check__heading">
          Still signed in at Clerk although the history says they are over ({report.stillActive.length})
        </h3>
        {report.stillActive.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <SessionTable
            sessions={report.stillActive}
            columns={[
              ['History says', (session) => session.entryStatus],
              ['Clerk says', (session) => (session.endedAt === null ? session.status : `${session.status} (ended from this report at ${formatDateTime(session.endedAt)})`)],
              [
                <span className="visually-hidden">Action</span>,
                (session) =>
                  session.endedAt === null ? (
                    <button type="button" className="button button--small button--danger-ghost" onClick={() => setEnding(session)} aria-label={`End session ${session.sessionId} of ${session.subject.name}…`}>
                      End session…
                    </button>
                  ) : null,
              ],
            ]}
          />
        )}
      </section>

      <section aria-labelledby="clerk-check-unknown">
        <h3 id="clerk-check-unknown" className="clerk-check__heading">
          Outcome unknown ({report.unknownOutcome.length})
        </h3>
        {report.unknownOutcome.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="clerk-check__unknown">
            {report.unknownOutcome.map((entry) => (
              <li key={entry.entryId}>
                <span className="cell-strong">
                  {entry.subject.name} · {entry.profileName} · started {formatDateTime(entry.createdAt)}
                </span>
                {entry.sessions.length === 0
                  ? ` Clerk reports no session from it (Clerk cleans up old sessions, so this is likely, not certain, to mean its sign-in link was never used). Unused, the link ${entry.tokenExpiresAt > Date.now() ? 'expires' : 'expired'} at ${formatDateTime(entry.tokenExpiresAt)}.`
                  : ` Clerk has ${plural(entry.sessions.length, 'session')} from it: ${entry.sessions.map((session) => `${session.id} (${session.status})`).join(', ')}.`}
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="dialog__actions">
        <span className="status-line" role="status">
          {exported}
        </span>
        <button type="button" className="button" onClick={() => void exporter.run('csv')} disabled={exporter.busy}>
          Export report as CSV
        </button>
        <button type="button" className="button" onClick={() => void exporter.run('json')} disabled={exporter.busy}>
          Export report as JSON
        </button>
      </div>
      {exporter.error ? <ErrorMessage error={exporter.error} compact /> : null}

      {ending ? (
        <ConfirmDialog
          title={`End this session of ${ending.subject.name}?`}
          confirmLabel="End session at Clerk"
          onConfirm={() => void end.run(ending)}
          onClose={() => {
            end.clearError();
            setEnding(null);
          }}
          busy={end.busy}
          error={end.error}
        >
          <p>
            Clerk revokes the session <span className="mono">{ending.sessionId}</span> in {ending.profileName}: whoever uses it is signed out. The history says this
            impersonation is {ending.entryStatus}.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** Sessions as Clerk reports them: who and which session first, then the columns of the finding. */
function SessionTable<T extends CheckedSession>({ sessions, columns }: { sessions: T[]; columns: [header: ReactNode, cell: (session: T) => ReactNode][] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Session</th>
            {columns.map(([header], index) => (
              <th key={index} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.sessionId}>
              <td>
                <span className="cell-strong">{session.subject.name}</span>
                <span className="muted">{session.profileName}</span>
              </td>
              <td>
                <CopyId id={session.sessionId} kind="session id" />
              </td>
              {columns.map(([, cell], index) => (
                <td key={index}>{cell(session)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function summaryOf(report: ClerkCheckReport): string {
  const found = report.foreign.length + report.stillActive.length + report.unknownOutcome.length;
  const scope = `Checked ${plural(report.entries, 'history entry', 'history entries')} from ${formatDateTime(report.from)} to ${formatDateTime(report.to)}: asked Clerk about ${report.checkedSubjects} of ${plural(report.subjects, 'user')}.`;
  return `${scope} ${found === 0 ? 'Nothing to report.' : `${plural(found, 'finding')}.`}`;
}

function actorText(actor: Record<string, unknown> | null): string {
  if (!actor) return '—';
  return Object.entries(actor)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
