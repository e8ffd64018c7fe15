// The searchable user list: a combobox (the search box) driving a listbox of results, paged.
// Focus stays in the box; ArrowUp/ArrowDown move the active row, Enter chooses it.
import { useEffect, useId, useReducer, useRef, type RefObject } from 'react';
import type { UserSummary } from '../../../shared/domain.ts';
import { useStore } from '../data/hooks.ts';
import { listReducer } from '../data/list-navigation.ts';
import { formatRange, type SearchController } from '../data/search-controller.ts';
import { formatDateTime, formatRelative } from '../data/time.ts';
import { Avatar } from './Avatar.tsx';
import { UserBadges } from './Badges.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { EmptyState, SkeletonRows, Spinner } from './States.tsx';

export function displayName(user: Pick<UserSummary, 'name' | 'username' | 'primaryEmail' | 'id'>): string {
  return user.name.trim() || user.username || user.primaryEmail || user.id;
}

function signInText(user: UserSummary, now: number): string {
  return user.lastSignInAt ? `Signed in ${formatRelative(user.lastSignInAt, now)}` : 'Never signed in';
}

/**
 * The option's name: what the row shows, in reading order and with the same words (so what is seen
 * is what is heard, WCAG 2.5.3 "label in name"), then the badges with the protected reason.
 */
function optionLabel(user: UserSummary, now: number, size: 'large' | 'compact'): string {
  const parts = [displayName(user), user.primaryEmail ?? user.username ?? 'No email address'];
  // Compact rows (the operator picker) show neither the id nor the last sign-in.
  if (size === 'large') parts.push(user.id, signInText(user, now));
  const shown = parts.join(' ');
  const badges: string[] = [];
  if (user.banned) badges.push('Banned');
  if (user.locked) badges.push('Locked');
  if (user.protection.protected) badges.push(`Protected: ${user.protection.reason}`);
  return [shown, ...badges].join(', ');
}

const LIST_KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp']);

export interface UserSearchProps {
  controller: SearchController;
  onChoose(user: UserSummary): void;
  label: string;
  placeholder?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  skeletonRows?: number;
  /** Shown in each row after the badges, e.g. "Open" or "This is me". */
  chooseHint?: string;
  size?: 'large' | 'compact';
  /** Row to make active when results (re)appear, e.g. the user just visited. */
  initialActiveId?: string | null;
  /** false: no row is active until the agent types a query or moves with the arrow keys. */
  preselect?: boolean;
  /** Users this list may offer at all (e.g. not banned or locked); the others are left out. */
  offers?(user: UserSummary): boolean;
  /** Said in place of the rows left out by `offers`, e.g. "banned or locked users are not offered". */
  leftOutNote?: string;
  /** Shift+Enter on a row: a second action, e.g. impersonate straight away. */
  onChooseAlternate?(user: UserSummary): void;
  /** Shown in each row for Shift+Enter, e.g. "Impersonate". */
  alternateHint?: string;
}

export function UserSearch({
  controller,
  onChoose,
  label,
  placeholder,
  inputRef,
  skeletonRows = 8,
  chooseHint,
  size = 'large',
  initialActiveId,
  preselect = true,
  offers,
  leftOutNote,
  onChooseAlternate,
  alternateHint,
}: UserSearchProps) {
  const state = useStore(controller);
  const pageUsers = state.page?.users ?? [];
  const users = offers ? pageUsers.filter(offers) : pageUsers;
  const leftOut = pageUsers.length - users.length;
  const [nav, dispatch] = useReducer(listReducer, { active: -1, count: 0 });
  const baseId = useId();
  const listId = `${baseId}-list`;
  const hintId = `${baseId}-hint`;
  const captionId = `${baseId}-caption`;
  const optionId = (index: number) => `${baseId}-option-${index}`;
  const listRef = useRef<HTMLUListElement>(null);
  // Only keyboard movement scrolls the list: results arriving must not move the page.
  const scrollToActive = useRef(false);
  const now = Date.now();

  // Enter pressed before the typed query's answer came: chosen once it is here (and only then).
  const chooseOnArrival = useRef<'choose' | 'alternate' | null>(null);
  const firstIndex = () => {
    const remembered = initialActiveId ? users.findIndex((user) => user.id === initialActiveId) : -1;
    if (remembered >= 0) return remembered;
    return preselect || state.pageQuery !== '' ? 0 : -1;
  };
  useEffect(() => {
    dispatch({ type: 'results', count: users.length });
    const index = users.length > 0 ? firstIndex() : -1;
    if (index < 0) dispatch({ type: 'clear' });
    else if (index > 0) dispatch({ type: 'set', index });
    const queued = chooseOnArrival.current;
    chooseOnArrival.current = null;
    const chosen = index >= 0 ? users[index] : undefined;
    if (queued && chosen) (queued === 'alternate' && onChooseAlternate ? onChooseAlternate : onChoose)(chosen);
    // Only a new page (or a failed search) resets the position.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.page, state.error]);
  useEffect(() => {
    if (nav.active < 0 || !scrollToActive.current) return;
    scrollToActive.current = false;
    document.getElementById(optionId(nav.active))?.scrollIntoView({ block: 'nearest' });
    // optionId is derived from a stable id
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nav.active]);

  const busy = state.pending || state.loading;
  // Rows of an older query are never actionable: while the typed query is on its way they are
  // shown dimmed under "Searching…", nothing is active and Enter waits for the answer.
  const stale = busy || state.error !== null;
  const active = !stale && nav.active >= 0 ? users[nav.active] : undefined;

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (LIST_KEYS.has(event.key)) {
      event.preventDefault();
      chooseOnArrival.current = null;
      scrollToActive.current = true;
      dispatch({ type: 'key', key: event.key });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const how = event.shiftKey && onChooseAlternate ? 'alternate' : 'choose';
      if (state.pending || state.loading) {
        chooseOnArrival.current = how;
        controller.flush();
      } else if (active) (how === 'alternate' && onChooseAlternate ? onChooseAlternate : onChoose)(active);
    } else if (event.key === 'Escape' && state.input) {
      event.preventDefault();
      event.stopPropagation();
      chooseOnArrival.current = null;
      controller.setInput('');
    }
  };

  const caption = !state.page || state.error ? null : busy && state.input.trim() !== state.pageQuery ? (
    <>
      Showing {resultsFor(state.pageQuery)} · searching for “{state.input.trim()}”…
    </>
  ) : (
    <>Showing {resultsFor(state.pageQuery)}</>
  );

  let body;
  if (state.error) {
    body = <ErrorMessage error={state.error} onRetry={() => controller.refresh()} />;
  } else if (!state.page) {
    body = <SkeletonRows rows={skeletonRows} className={`skeleton-row skeleton-row--${size}`} />;
  } else if (users.length === 0) {
    body = (
      <EmptyState title={state.query ? `No users match “${state.query}”` : 'This instance has no users yet'}>
        {state.query ? <p>Search by name, email address, username or user id (user_…).</p> : null}
      </EmptyState>
    );
  } else {
    body = (
      <ul
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label={`${label}: results`}
        aria-busy={busy || undefined}
        aria-describedby={captionId}
        className={`results results--${size}${busy ? ' results--stale' : ''}`}
      >
        {users.map((user, index) => (
          <li
            key={user.id}
            id={optionId(index)}
            role="option"
            aria-selected={!stale && index === nav.active}
            aria-disabled={stale || undefined}
            aria-label={optionLabel(user, now, size)}
            className="result"
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => index !== nav.active && dispatch({ type: 'set', index })}
            onClick={(event) => {
              if (stale) return;
              (event.shiftKey && onChooseAlternate ? onChooseAlternate : onChoose)(user);
            }}
          >
            <Avatar name={displayName(user)} imageUrl={user.imageUrl} size={size === 'large' ? 'medium' : 'small'} decorative />
            <span className="result__main">
              <span className="result__name" title={displayName(user)}>
                {displayName(user)}
              </span>{' '}
              {/* Spaces between the parts: the row's text reads as words, as its name does. */}
              <span className="result__email" title={user.primaryEmail ?? user.username ?? undefined}>
                {user.primaryEmail ?? user.username ?? 'No email address'}
              </span>
            </span>
            {' '}
            <span className="result__meta">
              {/* Truncated in narrow columns: the full id in the tooltip (and in the option's name). */}
              {/* The no-break space keeps id and sign-in two words in the row's text (flex drops plain spaces). */}
              <span className="result__id mono" title={user.id}>
                {user.id}
                {'\u00a0'}
              </span>
              <span className="result__signin" title={user.lastSignInAt ? formatDateTime(user.lastSignInAt) : undefined}>
                {signInText(user, now)}
              </span>
            </span>
            {' '}
            <span className="result__badges">
              <UserBadges user={user} />
            </span>
            {chooseHint ? (
              // Drawn by CSS from the attribute: a key hint, not part of the row's words or its name.
              <span className="result__hint" aria-hidden="true" data-hint={`${chooseHint} ↵${alternateHint ? ` · ${alternateHint} ⇧↵` : ''}`} />
            ) : null}
          </li>
        ))}
      </ul>
    );
  }

  const page = state.page;
  return (
    <div className={`user-search user-search--${size}`}>
      <div className="search-box">
        <label htmlFor={`${baseId}-input`} className="visually-hidden">
          {label}
        </label>
        <svg className="search-box__icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M12.8 12.8 17 17" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <input
          ref={inputRef}
          id={`${baseId}-input`}
          className="search-box__input"
          type="search"
          role="combobox"
          aria-expanded={users.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active ? optionId(nav.active) : undefined}
          aria-describedby={hintId}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder ?? 'Search by name, email or user id'}
          value={state.input}
          onChange={(event) => controller.setInput(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <span className="search-box__busy">{busy ? <Spinner label="Searching…" /> : null}</span>
      </div>
      <p id={hintId} className="visually-hidden">
        Results update as you type. Use the up and down arrow keys to move through them and Enter to choose{alternateHint ? `, Shift+Enter to ${alternateHint.toLowerCase()}` : ''}.
      </p>
      {caption && users.length > 0 ? (
        <p id={captionId} className="results-caption muted" data-testid="results-caption">
          {caption}
          {leftOut > 0 && leftOutNote ? <> · {leftOutNote}</> : null}
        </p>
      ) : null}
      <div className="results-frame">{body}</div>
      {state.error ? null : <div className="pager">
        <p className="pager__range" role="status">
          {page ? formatRange(page.offset, page.users.length, page.totalCount) : '\u00a0'}
        </p>
        <div className="pager__buttons">
          <button type="button" className="button button--small" onClick={() => controller.previous()} disabled={!page || state.offset === 0}>
            <span aria-hidden="true">‹</span> Previous page
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => controller.next()}
            disabled={!page || state.offset + state.limit >= page.totalCount}
          >
            Next page <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>}
    </div>
  );
}

function resultsFor(query: string): string {
  return query ? `results for “${query}”` : 'all users';
}
