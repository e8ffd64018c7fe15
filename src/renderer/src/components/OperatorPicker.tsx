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
import { Spinner } from './States.tsx';
import { UserSearch } from './UserSearch.tsx';

export function OperatorPicker({ profile, onDone, autoFocus = true }: { profile: Profile; onDone(profile: Profile): void; autoFocus?: boolean }) {
  const [controller, setController] = useState<SearchController | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const save = useAction((user: UserSummary) => call(api().profiles.setOperator({ profileId: profile.id, userId: user.id })));

  useEffect(() => {
    const search = createInstanceSearch(profile.id, 6);
    setController(search);
    search.reset();
    return () => search.dispose();
  }, [profile.id]);

  useEffect(() => {
    if (controller && autoFocus) inputRef.current?.focus();
  }, [controller, autoFocus]);

  const choose = async (user: UserSummary) => {
    const updated = await save.run(user);
    if (!updated) return;
    applyProfile(updated);
    announce(`You are ${updated.operator?.name ?? user.name} in ${updated.name}.`, 'success');
    onDone(updated);
  };

  return (
    <div className="operator-picker">
      {controller ? (
        <UserSearch controller={controller} onChoose={(user) => void choose(user)} label="Find yourself" placeholder="Your name or work email" chooseHint="This is me" size="compact" skeletonRows={6} inputRef={inputRef} />
      ) : null}
      {save.busy ? <Spinner label="Saving…" /> : null}
      {save.error ? <ErrorMessage error={save.error} compact /> : null}
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
