// First run: pick an instance (the built-in sandbox, or a Clerk instance by secret key), then say
// who you are in it.
import { useState } from 'react';
import type { AppState, Profile } from '../../../shared/domain.ts';
import { ConnectForm } from '../components/ConnectForm.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { OperatorPicker } from '../components/OperatorPicker.tsx';
import { api, call } from '../data/api.ts';
import { applyState } from '../data/app-data.ts';
import { useAction } from '../data/hooks.ts';

export function Onboarding({ state, onSkip }: { state: AppState; onSkip(): void }) {
  const [chosenId, setChosenId] = useState<string | null>(null);
  const select = useAction(async (profileId: string) => {
    applyState(await call(api().profiles.select({ profileId })));
    setChosenId(profileId);
  });
  const chosen = state.profiles.find((profile) => profile.id === chosenId) ?? null;
  const sandbox = state.profiles.find((profile) => profile.kind === 'sandbox') ?? null;

  if (chosen) {
    return (
      <div className="onboarding">
        <section className="onboarding__panel" aria-labelledby="operator-title">
          <p className="onboarding__step">Step 2 of 2</p>
          <h1 id="operator-title">Who are you in {chosen.name}?</h1>
          <p className="onboarding__lead">
            Find your own user in this instance. Clerk records it as the actor of every impersonation you start, so anyone can see who was
            signed in as whom.
          </p>
          <OperatorPicker profile={chosen} onDone={() => undefined} />
          <div className="onboarding__footer">
            <button type="button" className="button button--ghost" onClick={() => setChosenId(null)}>
              ‹ Choose another instance
            </button>
            <button type="button" className="button button--ghost" onClick={onSkip}>
              Skip for now
            </button>
          </div>
        </section>
      </div>
    );
  }

  return (
    <div className="onboarding">
      <div className="onboarding__intro">
        <p className="onboarding__step">Step 1 of 2</p>
        <h1>Welcome to Understudy</h1>
        <p className="onboarding__lead">See your app exactly as a customer does: find the user, give a reason, and Understudy opens a separate window signed in as them, recorded and time-limited.</p>
      </div>
      <div className="onboarding__choices">
        {sandbox ? (
          <section className="card onboarding__choice" aria-labelledby="sandbox-title">
            <h2 id="sandbox-title">Try the sandbox</h2>
            <p>A local, Clerk-compatible instance with sample users and a small customer app. Nothing leaves this computer.</p>
            {select.error ? <ErrorMessage error={select.error} compact /> : null}
            <button type="button" className="button button--primary" onClick={() => void select.run(sandbox.id)} disabled={select.busy}>
              {select.busy ? 'Opening…' : 'Open the sandbox'}
            </button>
          </section>
        ) : null}
        <section className="card onboarding__choice" aria-labelledby="connect-title">
          <h2 id="connect-title">Connect your Clerk instance</h2>
          <ConnectForm onConnected={(profile: Profile) => void select.run(profile.id)} />
        </section>
      </div>
      {state.profiles.some((profile) => profile.kind !== 'sandbox') ? (
        <div className="onboarding__existing">
          <h2 className="section-title">Already connected</h2>
          <ul className="plain-list">
            {state.profiles
              .filter((profile) => profile.kind !== 'sandbox')
              .map((profile) => (
                <li key={profile.id}>
                  <button type="button" className="button button--ghost" onClick={() => void select.run(profile.id)}>
                    {profile.name} <span className="muted mono">{profile.keyHint}</span>
                  </button>
                </li>
              ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
