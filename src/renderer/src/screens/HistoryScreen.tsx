// Token history: every impersonation this computer started and every policy change, asked of main
// one filtered, ordered page at a time (the history may hold 100,000 entries; the console never loads
// it all). Pending links can be revoked; a link Clerk never confirmed can be checked at Clerk.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { AppState, HistoryOrder, LedgerEntry, LedgerStatus, PolicyChangePage } from '../../../shared/domain.ts';
import { LIVE_STATUSES } from '../../../shared/domain.ts';
import { Badge } from '../components/Badges.tsx';
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
  describeSetting,
  EMPTY_HISTORY_FILTER,
  exportMessage,
  isFiltered,
  lastOffset,
  orderLabel,
  PAGE_SIZE,
  pageKeyTarget,
  pageLabel,
  policyAuthor,
  STATUS_LABELS,
  toLedgerFilter,
  unknownCheckMessage,
  userIdProblem,
  type HistoryFilter,
} from '../data/history.ts';
import { useAction, useNow, useResource } from '../data/hooks.ts';
import { formatDateTime, formatDuration, formatRelative, localizeInstants } from '../data/time.ts';

// The statuses main counts as live (an end Clerk has not confirmed included).
const LIVE = LIVE_STATUSES;
/** Typed filters (user id, operator) are sent once typing pauses: one page request per pause. */
const TYPING_MS = 250;
const POLICY_STEP = 10;
const POLICY_MAX = 100;

export function HistoryScreen({ state }: { state: AppState }) {
  // `fields` is what the form shows; `applied` what main was asked for.
  const [fields, setFields] = useState<HistoryFilter>(EMPTY_HISTORY_FILTER);
  const [applied, setApplied] = useState<HistoryFilter>(EMPTY_HISTORY_FILTER);
  const [order, setOrder] = useState<HistoryOrder>('newest');
  const [offset, setOffset] = useState(0);
  const [policyLimit, setPolicyLimit] = useState(POLICY_STEP);
  const [revoking, setRevoking] = useState<LedgerEntry | null>(null);
  const [exportResult, setExportResult] = useState<string | null>(null);
  const [checked, setChecked] = useState<Record<string, string>>({});

  useEffect(() => {
    if (fields.userId === applied.userId && fields.operator === applied.operator) return;
    const timer = setTimeout(() => {
      setApplied(fields);
      setOffset(0);
    }, TYPING_MS);
    return () => clearTimeout(timer);
  }, [fields, applied]);

  const filter = useMemo(() => toLedgerFilter(applied), [applied]);
  const filterKey = JSON.stringify(filter);
  const page = useResource(
    `${filterKey}|${order}|${offset}`,
    () => call(api().ledger.page({ filter, order, offset, limit: PAGE_SIZE })),
    ['ledger:changed'],
    { keepAcrossKeys: true },
  );
  const policy = useResource(
    `${filterKey}|${policyLimit}`,
    () => call(api().ledger.policyChanges({ filter, offset: 0, limit: policyLimit })),
    ['ledger:changed'],
    { keepAcrossKeys: true },
  );
  const operatorNames = useMemo(
    () => new Map(state.profiles.flatMap((profile) => (profile.operator ? [[profile.operator.userId, profile.operator.name] as const] : []))),
    [state.profiles],
  );

  const exporter = useAction(async (format: 'csv' | 'json') => {
    setExportResult(null);
    const result = await call(api().ledger.export({ format, filter }));
    setExportResult(exportMessage(result));
  });
  const revoke = useAction(async (entry: LedgerEntry) => {
    await call(api().ledger.revokeToken({ entryId: entry.id }));
    announce(`Revoked the sign-in link for ${entry.subject.name}.`, 'success');
    setRevoking(null);
  });
  const check = useAction(async (entry: LedgerEntry) => {
    const result = await call(api().ledger.checkUnknown({ entryId: entry.id }));
    const message = unknownCheckMessage(result, Date.now());
    setChecked((previous) => ({ ...previous, [entry.id]: message }));
    announce(message, result.outcome === 'open' ? 'info' : 'success');
  });

  /** A choice (select, date) is sent at once; typed text waits for a pause. */
  const choose = (patch: Partial<HistoryFilter>) => {
    const next = { ...fields, ...patch };
    setFields(next);
    setApplied(next);
    setOffset(0);
  };
  const type = (patch: Partial<HistoryFilter>) => setFields((previous) => ({ ...previous, ...patch }));
  const clear = () => choose(EMPTY_HISTORY_FILTER);
  const statusValue = fields.statuses.length === 0 ? '' : fields.statuses.length === LIVE.length && LIVE.every((s) => fields.statuses.includes(s)) ? 'live' : (fields.statuses[0] ?? '');

  const shown = page.value;
  const stale = page.status === 'loading' && shown !== undefined;
  const goTo = (target: number) => {
    if (!shown) return;
    const bounded = Math.max(0, Math.min(target, lastOffset(shown.total)));
    if (bounded !== offset) setOffset(bounded);
  };
  const onTableKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!shown || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = pageKeyTarget(event.key, { offset, total: shown.total });
    if (target === null) return;
    event.preventDefault();
    goTo(target);
  };
  // Entries leave a status filter as they end, so its total can shrink under the page shown: go to its last page.
  useEffect(() => {
    if (shown && !stale && shown.entries.length === 0 && shown.total > 0 && offset > 0) setOffset(lastOffset(shown.total));
  }, [shown, stale, offset]);
  const noHistory = shown?.total === 0 && !isFiltered(applied);

  return (
    <section className="screen" aria-labelledby="history-title">
      <header className="screen__header">
        <div>
          <h1 id="history-title" className="screen__title">
            Token history
          </h1>
          <p className="screen__subtitle">Every impersonation started from this computer and every policy change. Clerk keeps no list of tokens: this is the record.</p>
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
        <Field label="User id" error={userIdProblem(fields.userId) || undefined}>
          <input type="search" value={fields.userId} placeholder="user_…" autoComplete="off" spellCheck={false} onChange={(event) => type({ userId: event.target.value })} />
        </Field>
        <Field label="Operator">
          <input
            type="search"
            list="history-operators"
            value={fields.operator}
            placeholder="user_…"
            title="A Clerk user id (user_…) or a computer user name, whole, in any case"
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => type({ operator: event.target.value })}
          />
        </Field>
        <datalist id="history-operators">
          {[...operatorNames].map(([id, name]) => (
            <option key={id} value={id} label={name} />
          ))}
          <option value={state.osUser} label="You on this computer" />
        </datalist>
        <Field label="Status">
          <select
            value={statusValue}
            onChange={(event) => {
              const value = event.target.value;
              choose({ statuses: value === '' ? [] : value === 'live' ? [...LIVE] : [value as LedgerStatus] });
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
          <select value={fields.profileId} onChange={(event) => choose({ profileId: event.target.value })}>
            <option value="">All instances</option>
            {state.profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From">
          <input type="date" value={fields.from} max={fields.to || undefined} onChange={(event) => choose({ from: event.target.value })} />
        </Field>
        <Field label="To">
          <input type="date" value={fields.to} min={fields.from || undefined} onChange={(event) => choose({ to: event.target.value })} />
        </Field>
      </form>

      {page.status === 'error' ? <ErrorMessage error={page.error} onRetry={page.reload} /> : null}
      {!shown && page.status !== 'error' ? (
        <SkeletonRows rows={6} className="skeleton-row skeleton-row--table" />
      ) : noHistory ? (
        <EmptyState title="No impersonations yet">Each impersonation started from this computer appears here, with its reason and outcome.</EmptyState>
      ) : shown && shown.total === 0 && !stale ? (
        <EmptyState
          title="Nothing matches these filters"
          action={
            isFiltered(applied) ? (
              <button type="button" className="button" onClick={clear}>
                Clear filters
              </button>
            ) : undefined
          }
        />
      ) : shown ? (
        <>
          <div className="table-count">
            <p className="muted" role="status" data-testid="history-count">
              {stale ? `Loading… (was ${pageLabel(shown.offset, shown.entries.length, shown.total)})` : `${pageLabel(shown.offset, shown.entries.length, shown.total)}, ${orderLabel(order)}`}
            </p>
            {isFiltered(fields) ? (
              <button type="button" className="button button--ghost button--small" onClick={clear}>
                Clear filters
              </button>
            ) : null}
          </div>
          <div
            className={`table-wrap table-wrap--history${stale ? ' table-wrap--stale' : ''}`}
            role="region"
            aria-label="Token history table: Page Up and Page Down change page, Home and End go to the first and last"
            aria-busy={stale}
            tabIndex={0}
            onKeyDown={onTableKey}
            data-testid="history-table"
          >
            <HistoryTable
              rows={shown.entries}
              order={order}
              operatorNames={operatorNames}
              stale={stale}
              checked={checked}
              checking={check.busy}
              onOrder={() => {
                setOrder((previous) => (previous === 'newest' ? 'oldest' : 'newest'));
                setOffset(0);
              }}
              onRevoke={setRevoking}
              onCheck={(entry) => void check.run(entry)}
            />
          </div>
          {check.error ? <ErrorMessage error={check.error} compact /> : null}
          <Pager offset={shown.offset} total={shown.total} busy={stale} onGo={goTo} />
        </>
      ) : null}

      {policy.value && policy.value.total > 0 ? (
        <PolicyChanges
          page={policy.value}
          operatorNames={operatorNames}
          onMore={() => setPolicyLimit((limit) => Math.min(POLICY_MAX, limit + POLICY_STEP))}
          canShowMore={policyLimit < POLICY_MAX}
        />
      ) : null}
      {policy.status === 'error' ? <ErrorMessage error={policy.error} onRetry={policy.reload} compact /> : null}

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

/** First / previous / next / last. `aria-disabled` rather than `disabled`, so focus stays on the button at either end. */
function Pager({ offset, total, busy, onGo }: { offset: number; total: number; busy: boolean; onGo(offset: number): void }) {
  const last = lastOffset(total);
  if (last === 0) return null;
  const button = (label: string, text: string, target: number, possible: boolean) => (
    <button type="button" className="button button--small" aria-label={label} aria-disabled={!possible || busy} onClick={() => possible && !busy && onGo(target)}>
      {text}
    </button>
  );
  return (
    <nav className="table-more pager" aria-label="History pages">
      {button('First page', '« First', 0, offset > 0)}
      {button('Previous page', '‹ Previous', offset - PAGE_SIZE, offset > 0)}
      {button('Next page', 'Next ›', offset + PAGE_SIZE, offset < last)}
      {button('Last page', 'Last »', last, offset < last)}
    </nav>
  );
}

function PolicyChanges({
  page,
  operatorNames,
  onMore,
  canShowMore,
}: {
  page: PolicyChangePage;
  operatorNames: ReadonlyMap<string, string>;
  onMore(): void;
  canShowMore: boolean;
}) {
  const now = useNow();
  return (
    <section className="policy-changes" aria-labelledby="policy-changes-title">
      <h2 id="policy-changes-title" className="policy-changes__title">
        Policy changes
      </h2>
      <p className="muted policy-changes__count">
        {page.total === page.changes.length ? `${page.total} recorded` : `The newest ${page.changes.length} of ${page.total.toLocaleString('en-US')}; exports include every one`}
      </p>
      <ul className="policy-changes__list">
        {page.changes.map((change) => (
          <li key={change.id} className="policy-change" data-testid="policy-change">
            <p className="policy-change__head">
              <Badge tone="info">Policy changed</Badge>
              <strong>{change.source === 'organisation' ? 'Organisation policy' : (change.profileName ?? change.profileId ?? 'An instance')}</strong>
              <span className="muted">
                {formatDateTime(change.at)} ({formatRelative(change.at, now)})
              </span>
            </p>
            <ul className="policy-change__settings">
              {change.changes.length > 0 ? change.changes.map((setting) => <li key={setting.key}>{describeSetting(setting)}</li>) : <li>No setting differs.</li>}
            </ul>
            <p className="muted policy-change__by">by {policyAuthor(change, operatorNames)}</p>
          </li>
        ))}
      </ul>
      {page.total > page.changes.length && canShowMore ? (
        <button type="button" className="button button--small" onClick={onMore}>
          Show older changes
        </button>
      ) : null}
    </section>
  );
}

const COLUMNS = ['User', 'Operator', 'Instance', 'Reason', 'Status'] as const;

/** The rows of one page. Only the date orders them: main sorts, by when each impersonation started. */
function HistoryTable({
  rows,
  order,
  operatorNames,
  stale,
  checked,
  checking,
  onOrder,
  onRevoke,
  onCheck,
}: {
  rows: LedgerEntry[];
  order: HistoryOrder;
  operatorNames: ReadonlyMap<string, string>;
  /** The rows are the previous page while the next one loads: their actions wait. */
  stale: boolean;
  checked: Readonly<Record<string, string>>;
  checking: boolean;
  onOrder(): void;
  onRevoke(entry: LedgerEntry): void;
  onCheck(entry: LedgerEntry): void;
}) {
  const now = useNow();
  return (
    <table className="table table--history">
      <caption className="visually-hidden">Token history, {orderLabel(order)}</caption>
      <thead>
        <tr>
          <th scope="col" aria-sort={order === 'newest' ? 'descending' : 'ascending'}>
            <button type="button" className="sort-button" onClick={onOrder}>
              Date
              <span className="sort-button__arrow" aria-hidden="true">
                {order === 'newest' ? '▼' : '▲'}
              </span>
            </button>
          </th>
          {COLUMNS.map((label) => (
            <th key={label} scope="col">
              <span className="sort-button">{label}</span>
            </th>
          ))}
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
                <span className="cell-sub cell-note--error cell-clamp" title={localizeInstants(entry.error, now)}>
                  {localizeInstants(entry.error, now)}
                </span>
              ) : null}
              {entry.status === 'unknown' ? (
                <>
                  <span className="cell-sub muted" data-testid="unknown-until">
                    Its link could be used until{' '}
                    {localizeInstants(new Date(entry.tokenExpiresAt).toISOString(), now)}
                    {entry.tokenExpiresAt > now ? '' : '; it has expired'}
                  </span>
                  <button
                    type="button"
                    className="button button--small cell-action"
                    disabled={stale || checking}
                    onClick={() => onCheck(entry)}
                    aria-label={`Check at Clerk for a session of ${entry.subject.name || entry.subject.id} from this link, and end it`}
                  >
                    Check at Clerk
                  </button>
                </>
              ) : null}
              {checked[entry.id] ? (
                <span className="cell-sub" data-testid="unknown-check">
                  {checked[entry.id]}
                </span>
              ) : null}
              {entry.actorTokenId ? (
                <span className="cell-sub">
                  <CopyId id={entry.actorTokenId} kind="token id" buttonOnly />
                </span>
              ) : null}
              {entry.endedBy && entry.status !== 'ending' ? <span className="cell-sub muted">by {entry.endedBy.by} ({entry.endedBy.reason.replaceAll('-', ' ')})</span> : null}
              {canRevoke(entry) ? (
                <button type="button" className="button button--small cell-action" disabled={stale} onClick={() => onRevoke(entry)} aria-label={`Revoke the pending link for ${entry.subject.name}`}>
                  Revoke
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
