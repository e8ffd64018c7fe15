// "Who are you in this instance?": the operator picks their own Clerk user, which becomes the
// actor of every impersonation they start there.
import { useEffect, useRef, useState } from 'react';
import type { Profile, UserSummary } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { applyProfile } from '../data/app-data.ts';
import { announce } from '../data/announcer.ts';
import { useAction } from '../data/hooks.ts';
import type { SearchController } from '../data/search-controller.ts';
import { createInstanceSearch } from '../data/users.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Avatar } from './Avatar.tsx';
import { displayName, UserSearch } from './UserSearch.tsx';

export function OperatorPicker({ profile, onDone, autoFocus = true }: { profile: Profile; onDone(profile: Profile): void; autoFocus?: boolean }) {
  const [controller, setController] = useState<SearchController | null>(null);
  // The chosen row waits here until the agent confirms it by name: a stray Enter records nobody.
  const [candidate, setCandidate] = useState<UserSummary | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const save = useAction((user: UserSummary) => call(api().profiles.setOperator({ profileId: profile.id, userId: user.id })));

  useEffect(() => {
    const search = createInstanceSearch(profile.id, 6);
    setController(search);
    search.reset();
    return () => search.dispose();
  }, [profile.id]);

  useEffect(() => {
    if (!controller || !autoFocus) return;
    if (candidate) confirmRef.current?.focus();
    else inputRef.current?.focus();
  }, [controller, autoFocus, candidate]);

  const confirm = async (user: UserSummary) => {
    const updated = await save.run(user);
    if (!updated) return;
    applyProfile(updated);
    announce(`You are ${updated.operator?.name ?? user.name} in ${updated.name}.`, 'success');
    onDone(updated);
  };

  if (candidate) {
    const name = displayName(candidate);
    return (
      <div className="operator-picker operator-picker--confirm" data-testid="operator-confirm">
        <div className="operator-confirm">
          <Avatar name={name} imageUrl={candidate.imageUrl} size="medium" decorative />
          <p>
            Record <strong>{name}</strong>
            {candidate.primaryEmail && candidate.primaryEmail !== name ? <> ({candidate.primaryEmail})</> : null} as you in{' '}
            <strong>{profile.name}</strong>? Clerk will name them as the actor of every impersonation you start here.
          </p>
        </div>
        {save.error ? <ErrorMessage error={save.error} compact /> : null}
        <div className="dialog__actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              save.clearError();
              setCandidate(null);
            }}
          >
            Choose someone else
          </button>
          <button ref={confirmRef} type="button" className="button button--primary" disabled={save.busy} aria-busy={save.busy || undefined} onClick={() => void confirm(candidate)}>
            {save.busy ? 'Saving…' : `Yes, I am ${name}`}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="operator-picker">
      {controller ? (
        <UserSearch
          controller={controller}
          onChoose={setCandidate}
          label="Find yourself"
          placeholder="Your name or work email"
          chooseHint="This is me"
          size="compact"
          skeletonRows={6}
          inputRef={inputRef}
          preselect={false}
          offers={(user) => !user.banned && !user.locked}
          leftOutNote="banned and locked users are not offered"
        />
      ) : null}
    </div>
  );
}

export function OperatorDialog({ profile, onClose }: { profile: Profile; onClose(): void }) {
  return (
    <Dialog
      title={`Who are you in ${profile.name}?`}
      onClose={onClose}
      description={<p>Pick your own user in this instance. Clerk records it as the actor of every impersonation you start here.</p>}
      testId="operator-dialog"
    >
      <OperatorPicker profile={profile} onDone={onClose} />
    </Dialog>
  );
}
