// A helpdesk link's impersonate dialog: the user is read again from the link's instance, the
// dialog says which instance that is (and when it is not the one in use, that the console stays
// where it is: switching silently could land the agent in production unawares), the ticket
// becomes the reason's reference, and nothing starts until the agent chooses Start.
import type { AppState, ImpersonatePrefill } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { useResource } from '../data/hooks.ts';
import { blockedReason } from '../screens/UserScreen.tsx';
import { ImpersonateDialog } from '../screens/ImpersonateDialog.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

export function DeepLinkDialog({ link, state, onClose }: { link: ImpersonatePrefill; state: AppState; onClose(): void }) {
  const profile = state.profiles.find((candidate) => candidate.id === link.profileId) ?? null;
  const user = useResource(`${link.profileId}:${link.userId}`, () => call(api().users.get({ profileId: link.profileId, userId: link.userId })));

  if (!profile || user.status === 'error') {
    return (
      <Dialog title="This helpdesk link cannot be opened" onClose={onClose} size="small" testId="deep-link-problem">
        {profile ? (
          <ErrorMessage error={user.error!} onRetry={user.reload} />
        ) : (
          <p>The instance this link is for is no longer set up in Understudy. Nothing was started.</p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  if (user.status !== 'ready') return null;

  const inUse = state.profiles.find((candidate) => candidate.id === state.activeProfileId) ?? null;
  const ticket = link.reason ? <> for ticket <strong className="mono">{link.reason}</strong></> : null;
  const notice = (
    <>
      <p>
        Opened from a helpdesk link{ticket}, for the instance <strong>{profile.name}</strong>
        {profile.production ? ' (production)' : ''}.
      </p>
      {inUse && inUse.id !== profile.id ? (
        <p>
          This is not the instance you are using ({inUse.name}). The impersonation runs in {profile.name}; the console stays on {inUse.name}.
        </p>
      ) : null}
    </>
  );
  return (
    <ImpersonateDialog
      profile={profile}
      user={user.value}
      onClose={onClose}
      fromLink={{ reason: link.reason ? `${link.reason} ` : '', notice, blocked: blockedReason(user.value, profile) ?? profile.org?.refusal ?? null }}
    />
  );
}
