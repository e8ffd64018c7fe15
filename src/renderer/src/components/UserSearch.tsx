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

function optionLabel(user: UserSummary): string {
  const parts = [displayName(user)];
  if (user.primaryEmail && user.primaryEmail !== parts[0]) parts.push(user.primaryEmail);
  parts.push(user.id);
  if (user.banned) parts.push('banned');
  if (user.locked) parts.push('locked');
  if (user.protection.protected) parts.push(`protected: ${user.protection.reason}`);
  return parts.join(', ');
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
}

export function UserSearch({ controller, onChoose, label, placeholder, inputRef, skeletonRows = 8, chooseHint, size = 'large', initialActiveId }: UserSearchProps) {
  const state = useStore(controller);
  const users = state.page?.users ?? [];
  const [nav, dispatch] = useReducer(listReducer, { active: -1, count: 0 });
  const baseId = useId();
  const listId = `${baseId}-list`;
  const hintId = `${baseId}-hint`;
  const optionId = (index: number) => `${baseId}-option-${index}`;
  const listRef = useRef<HTMLUListElement>(null);
  // Only keyboard movement scrolls the list: results arriving must not move the page.
  const scrollToActive = useRef(false);
  const now = Date.now();

  useEffect(() => {
    dispatch({ type: 'results', count: state.page?.users.length ?? 0 });
    const remembered = initialActiveId ? (state.page?.users.findIndex((user) => user.id === initialActiveId) ?? -1) : -1;
    if (remembered > 0) dispatch({ type: 'set', index: remembered });
    // Only a new page resets the position.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.page]);
  useEffect(() => {
    if (nav.active < 0 || !scrollToActive.current) return;
    scrollToActive.current = false;
    document.getElementById(optionId(nav.active))?.scrollIntoView({ block: 'nearest' });
    // optionId is derived from a stable id
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nav.active]);

  const active = nav.active >= 0 ? users[nav.active] : undefined;
  const busy = state.pending || state.loading;

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (LIST_KEYS.has(event.key)) {
      event.preventDefault();
      scrollToActive.current = true;
      dispatch({ type: 'key', key: event.key });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (state.pending) controller.flush();
      else if (active) onChoose(active);
    } else if (event.key === 'Escape' && state.input) {
      event.preventDefault();
      event.stopPropagation();
      controller.setInput('');
    }
  };

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
        className={`results results--${size}${busy ? ' results--stale' : ''}`}
      >
        {users.map((user, index) => (
          <li
            key={user.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === nav.active}
            aria-label={optionLabel(user)}
            className="result"
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => index !== nav.active && dispatch({ type: 'set', index })}
            onClick={() => onChoose(user)}
          >
            <Avatar name={displayName(user)} imageUrl={user.imageUrl} size={size === 'large' ? 'medium' : 'small'} />
            <span className="result__main">
              <span className="result__name">{displayName(user)}</span>
              <span className="result__email">{user.primaryEmail ?? user.username ?? 'No email address'}</span>
            </span>
            <span className="result__meta">
              <span className="result__id mono">{user.id}</span>
              <span className="result__signin" title={user.lastSignInAt ? formatDateTime(user.lastSignInAt) : undefined}>
                {user.lastSignInAt ? `Signed in ${formatRelative(user.lastSignInAt, now)}` : 'Never signed in'}
              </span>
            </span>
            <span className="result__badges">
              <UserBadges user={user} />
            </span>
            {chooseHint ? (
              <span className="result__hint" aria-hidden="true">
                {chooseHint} ↵
              </span>
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
        Results update as you type. Use the up and down arrow keys to move through them and Enter to choose.
      </p>
      <div className="results-frame">{body}</div>
      <div className="pager">
        <p className="pager__range" role="status">
          {page ? formatRange(page.offset, page.users.length, page.totalCount) : '\u00a0'}
        </p>
        <div className="pager__buttons">
          <button type="button" className="button button--small" onClick={() => controller.previous()} disabled={!page || state.offset === 0} aria-label="Previous page">
            ‹ Prev
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => controller.next()}
            disabled={!page || state.offset + state.limit >= page.totalCount}
            aria-label="Next page"
          >
            Next ›
          </button>
        </div>
      </div>
    </div>
  );
}
