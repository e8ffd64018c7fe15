// User search: the screen a support agent lives in.
import { useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../shared/domain.ts';
import { OperatorDialog } from '../components/OperatorPicker.tsx';
import { UserSearch } from '../components/UserSearch.tsx';
import { useStore } from '../data/hooks.ts';
import { focusSearchRequests, navigate } from '../data/navigation.ts';
import { lastOpenedUser, searchInstance, userSearch } from '../data/users.ts';

export function UsersScreen({ profile }: { profile: Profile }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const focusRequests = useStore(focusSearchRequests);
  const lastOpened = useStore(lastOpenedUser);
  const [choosingOperator, setChoosingOperator] = useState(false);

  useEffect(() => searchInstance(profile.id), [profile.id]);
  // `/` and Ctrl+K select the whole query, so typing replaces it rather than appending to it.
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusRequests]);

  return (
    <section className="screen" aria-labelledby="users-title">
      <header className="screen__header">
        <div>
          <h1 id="users-title" className="screen__title">
            Users
          </h1>
          <p className="screen__subtitle">
            Search {profile.name} by name, email address or user id. <kbd>/</kbd> or <kbd>Ctrl+K</kbd> focuses the search from anywhere;{' '}
            <kbd>Enter</kbd> opens the highlighted user, <kbd>Shift+Enter</kbd> starts impersonating them.
          </p>
        </div>
      </header>
      {!profile.operator ? (
        <div className="callout" role="note">
          <p>
            <strong>Say who you are first.</strong> Before impersonating anyone in {profile.name}, pick your own user there: Clerk records it as the
            actor.
          </p>
          <button type="button" className="button button--small button--primary" onClick={() => setChoosingOperator(true)}>
            Choose who I am
          </button>
        </div>
      ) : null}
      <UserSearch
        controller={userSearch}
        label="Search users"
        inputRef={inputRef}
        initialActiveId={lastOpened}
        chooseHint="Open"
        alternateHint="Impersonate"
        onChoose={(user) => {
          lastOpenedUser.set(user.id);
          navigate({ screen: 'user', userId: user.id });
        }}
        onChooseAlternate={(user) => {
          lastOpenedUser.set(user.id);
          navigate({ screen: 'user', userId: user.id, impersonate: true });
        }}
      />
      {choosingOperator ? <OperatorDialog profile={profile} onClose={() => setChoosingOperator(false)} /> : null}
    </section>
  );
}
