// Token history: every impersonation this computer started, filterable, sortable and exportable.
// Pending tokens (links nobody used yet) can be revoked.
import { useMemo, useState } from 'react';
import type { AppState, LedgerEntry, LedgerStatus } from '../../../shared/domain.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { CopyId } from '../components/CopyId.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { VerifyHistory } from '../components/VerifyHistory.tsx';
import { ClerkCheck } from '../components/ClerkCheck.tsx';
import { Field } from '../components/Field.tsx';
import { EmptyState, SkeletonRows, Spinner } from '../components/States.tsx';
import { LedgerStatusBadge } from '../components/StatusBadge.tsx';
import { api, call } from '../data/api.ts';
import { announce } from '../data/announcer.ts';
import {
  ALL_STATUSES,
  canRevoke,
  DEFAULT_SORT,
  EMPTY_HISTORY_FILTER,
  exportMessage,
  filterAndSort,
  isFiltered,
  nextSort,
  operatorOptions,
  STATUS_LABELS,
  subjectOptions,
  toLedgerFilter,
  type HistoryFilter,
  type Sort,
  type SortKey,
} from '../data/history.ts';
import { useAction, useResource } from '../data/hooks.ts';
import { formatDateTime, formatDuration, localizeInstants } from '../data/time.ts';

const PAGE = 100;
const LIVE: LedgerStatus[] = ['minting', 'pending', 'accepted'];

export function HistoryScreen({ state }: { state: AppState }) {
  const ledger = useResource('ledger', () => call(api().ledger.query({ filter: {} })), ['ledger:changed']);
  const [filter, setFilter] = useState<HistoryFilter>(EMPTY_HISTORY_FILTER);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [shown, setShown] = useState(PAGE);
  const [revoking, setRevoking] = useState<LedgerEntry | null>(null);
  const [exportResult, setExportResult] = useState<string | null>(null);

  const entries = ledger.value ?? [];
  const rows = useMemo(() => filterAndSort(entries, filter, sort), [entries, filter, sort]);
  const operatorNames = useMemo(
    () => new Map(state.profiles.flatMap((profile) => (profile.operator ? [[profile.operator.userId, profile.operator.name] as const] : []))),
    [state.profiles],
  );
  const users = useMemo(() => subjectOptions(entries), [entries]);
  const operators = useMemo(() => operatorOptions(entries, operatorNames), [entries, operatorNames]);
  const instances = useMemo(() => {
    const names = new Map(entries.map((entry) => [entry.profileId, entry.profileName]));
    for (const profile of state.profiles) names.set(profile.id, profile.name);
    return [...names].map(([value, label]) => ({ value, label }));
  }, [entries, state.profiles]);

  const exporter = useAction(async (format: 'csv' | 'json') => {
    setExportResult(null);
    const result = await call(api().ledger.export({ format, filter: toLedgerFilter(filter) }));
    setExportResult(exportMessage(result));
  });
  const revoke = useAction(async (entry: LedgerEntry) => {
    await call(api().ledger.revokeToken({ entryId: entry.id }));
    announce(`Revoked the sign-in link for ${entry.subject.name}.`, 'success');
    setRevoking(null);
  });

  const update = (patch: Partial<HistoryFilter>) => {
    setFilter((previous) => ({ ...previous, ...patch }));
    setShown(PAGE);
  };
  const statusValue = filter.statuses.length === 0 ? '' : filter.statuses.length === LIVE.length && LIVE.every((s) => filter.statuses.includes(s)) ? 'live' : (filter.statuses[0] ?? '');

  return (
    <section className="screen" aria-labelledby="history-title">
      <header className="screen__header">
        <div>
          <h1 id="history-title" className="screen__title">
            Token history
          </h1>
          <p className="screen__subtitle">Every impersonation started from this computer. Clerk keeps no list of tokens: this is the record.</p>
        </div>
        <div className="screen__actions">
          <button type="button" className="button" onClick={() => void exporter.run('csv')} disabled={exporter.busy}>
            Export CSV
          </button>
          <button type="button" className="button" onClick={() => void exporter.run('json')} disabled={exporter.busy}>
            Export JSON
          </button>
          <VerifyHistory />
          <ClerkCheck />
        </div>
      </header>

      <div className="status-line" role="status">
        {exporter.busy ? <Spinner label="Exporting…" /> : exportResult}
      </div>
      {exporter.error ? <ErrorMessage error={exporter.error} compact /> : null}

      <form className="filters" aria-label="Filter the history" onSubmit={(event) => event.preventDefault()}>
        <Field label="User">
          <select value={filter.userId} onChange={(event) => update({ userId: event.target.value })}>
            <option value="">Everyone</option>
            {users.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Operator">
          <select value={filter.operator} onChange={(event) => update({ operator: event.target.value })}>
            <option value="">Anyone</option>
            {operators.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select
            value={statusValue}
            onChange={(event) => {
              const value = event.target.value;
              update({ statuses: value === '' ? [] : value === 'live' ? [...LIVE] : [value as LedgerStatus] });
            }}
          >
            <option value="">Any status</option>
            <option value="live">Live (creating, pending, signed in)</option>
            {ALL_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Instance">
          <select value={filter.profileId} onChange={(event) => update({ profileId: event.target.value })}>
            <option value="">All instances</option>
            {instances.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From">
          <input type="date" value={filter.from} max={filter.to || undefined} onChange={(event) => update({ from: event.target.value })} />
        </Field>
        <Field label="To">
          <input type="date" value={filter.to} min={filter.from || undefined} onChange={(event) => update({ to: event.target.value })} />
        </Field>
      </form>

      {ledger.status === 'error' ? <ErrorMessage error={ledger.error} onRetry={ledger.reload} /> : null}
      {!ledger.value && ledger.status !== 'error' ? (
        <SkeletonRows rows={6} className="skeleton-row skeleton-row--table" />
      ) : ledger.value && entries.length === 0 ? (
        <EmptyState title="No impersonations yet">Each impersonation started from this computer appears here, with its reason and outcome.</EmptyState>
      ) : ledger.value && rows.length === 0 ? (
        <EmptyState
          title="Nothing matches these filters"
          action={
            <button type="button" className="button" onClick={() => update(EMPTY_HISTORY_FILTER)}>
              Clear filters
            </button>
          }
        />
      ) : ledger.value ? (
        <>
          <div className="table-count">
            <p className="muted">
              {rows.length === entries.length ? countLabel(entries.length) : `${rows.length.toLocaleString('en-US')} of ${countLabel(entries.length)}`}
            </p>
            {isFiltered(filter) ? (
              <button type="button" className="button button--ghost button--small" onClick={() => update(EMPTY_HISTORY_FILTER)}>
                Clear filters
              </button>
            ) : null}
          </div>
          <HistoryTable
            rows={rows.slice(0, shown)}
            sort={sort}
            operatorNames={operatorNames}
            onSort={(key) => setSort((previous) => nextSort(previous, key))}
            onRevoke={setRevoking}
          />
          {rows.length > shown ? (
            <div className="table-more">
              <button type="button" className="button" onClick={() => setShown((count) => count + PAGE)}>
                Show {Math.min(PAGE, rows.length - shown)} more
              </button>
            </div>
          ) : null}
        </>
      ) : null}

      {revoking ? (
        <ConfirmDialog
          title="Revoke this sign-in link?"
          confirmLabel="Revoke link"
          onConfirm={() => void revoke.run(revoking)}
          onClose={() => {
            revoke.clearError();
            setRevoking(null);
          }}
          busy={revoke.busy}
          error={revoke.error}
        >
          <p>
            The link for <strong>{revoking.subject.name}</strong> in {revoking.profileName} stops working at once. A window still waiting for it
            will not sign in.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'createdAt', label: 'Date' },
  { key: 'subject', label: 'User' },
  { key: 'operator', label: 'Operator' },
  { key: 'profile', label: 'Instance' },
  { key: 'reason', label: 'Reason' },
  { key: 'status', label: 'Status' },
];

const countLabel = (count: number) => (count === 1 ? '1 entry' : `${count.toLocaleString('en-US')} entries`);

function HistoryTable({
  rows,
  sort,
  operatorNames,
  onSort,
  onRevoke,
}: {
  rows: LedgerEntry[];
  sort: Sort;
  operatorNames: ReadonlyMap<string, string>;
  onSort(key: SortKey): void;
  onRevoke(entry: LedgerEntry): void;
}) {
  return (
    <div className="table-wrap table-wrap--history">
      <table className="table table--history">
        <caption className="visually-hidden">Token history, sorted by {COLUMNS.find((column) => column.key === sort.key)?.label}, {sort.direction === 'asc' ? 'ascending' : 'descending'}</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => {
              const active = sort.key === column.key;
              return (
                <th key={column.key} scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                  <button type="button" className="sort-button" onClick={() => onSort(column.key)}>
                    {column.label}
                    <span className="sort-button__arrow" aria-hidden="true">
                      {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((entry) => (
            <tr key={entry.id}>
              <td className="cell-date" data-label="Date">
                {formatDateTime(entry.createdAt)}
              </td>
              <td className="cell-customer" data-label="Customer">
                <span className="cell-strong">{entry.subject.name || entry.subject.id}</span>
                <span className="cell-sub muted nowrap">{entry.subject.email ?? entry.subject.id}</span>
              </td>
              <td className="cell-operator" data-label="Operator">
                <span>{operatorNames.get(entry.operator.clerkUserId) ?? entry.operator.clerkUserId}</span>
                <span className="cell-sub muted">on this computer as {entry.operator.osUser}</span>
              </td>
              <td className="cell-instance" data-label="Instance">
                {entry.profileName}
                {entry.production ? <span className="cell-sub cell-sub--danger">Production</span> : null}
              </td>
              <td className="cell-reason" data-label="Reason">
                {entry.reason ? (
                  <span className="cell-clamp" title={entry.reason}>
                    {entry.reason}
                  </span>
                ) : (
                  <span className="muted">No reason given</span>
                )}
                <span className="cell-sub muted">
                  link {formatDuration(entry.tokenTtlSeconds)} · session {formatDuration(entry.sessionMaxSeconds)}
                  {entry.readOnly ? ' · look, don’t touch' : ''}
                </span>
              </td>
              <td className="cell-status" data-label="Status">
                <LedgerStatusBadge status={entry.status} />
                {/* Two lines at most so one long explanation cannot make a row 13 lines tall; all of it in the tooltip. */}
                {entry.error ? (
                  <span className="cell-sub cell-note--error cell-clamp" title={localizeInstants(entry.error, Date.now())}>
                    {localizeInstants(entry.error, Date.now())}
                  </span>
                ) : null}
                {entry.status === 'unknown' ? (
                  <span className="cell-sub muted" data-testid="unknown-until">
                    Its link could be used until{' '}
                    {localizeInstants(new Date(entry.tokenExpiresAt).toISOString(), Date.now())}
                    {entry.tokenExpiresAt > Date.now() ? '' : '; it has expired'}
                  </span>
                ) : null}
                {entry.actorTokenId ? (
                  <span className="cell-sub">
                    <CopyId id={entry.actorTokenId} kind="token id" buttonOnly />
                  </span>
                ) : null}
                {entry.endedBy ? <span className="cell-sub muted">by {entry.endedBy.by} ({entry.endedBy.reason.replaceAll('-', ' ')})</span> : null}
                {canRevoke(entry) ? (
                  <button type="button" className="button button--small cell-action" onClick={() => onRevoke(entry)} aria-label={`Revoke the pending link for ${entry.subject.name}`}>
                    Revoke
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
