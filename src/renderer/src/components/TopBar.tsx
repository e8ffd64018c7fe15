// The bar on every screen: which instance (switchable), whether it is PRODUCTION (red, in words),
// and who the operator is there.
import type { AppState, Profile } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { applyState } from '../data/app-data.ts';
import { useAction } from '../data/hooks.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

export function environmentOf(profile: Profile | null): 'production' | 'sandbox' | 'development' | 'none' {
  if (!profile) return 'none';
  if (profile.production) return 'production';
  return profile.kind === 'sandbox' ? 'sandbox' : 'development';
}

// The sandbox profile's own name says "Sandbox": its label says what that means instead.
const ENVIRONMENT_LABELS = { production: 'PRODUCTION', sandbox: 'Demo data', development: 'Development', none: '' } as const;

export function TopBar({ state, profile, onChooseOperator, showSwitcher = true }: { state: AppState; profile: Profile | null; onChooseOperator?: () => void; showSwitcher?: boolean }) {
  const environment = environmentOf(profile);
  const select = useAction(async (profileId: string) => applyState(await call(api().profiles.select({ profileId }))));
  return (
    <>
      <header className={`topbar topbar--${environment}`} data-testid="topbar">
        <div className="topbar__brand">
          <span className="topbar__logo" aria-hidden="true">
            U
          </span>
          <span className="topbar__name">Understudy</span>
        </div>
        {environment !== 'none' ? (
          <span className={`env-label env-label--${environment}`} data-testid="environment">
            {ENVIRONMENT_LABELS[environment]}
          </span>
        ) : null}
        {showSwitcher && state.profiles.length > 0 ? (
          <div className="topbar__switcher">
            <label htmlFor="instance-switcher" className="topbar__switcher-label">
              Instance
            </label>
            <select id="instance-switcher" value={profile?.id ?? ''} onChange={(event) => void select.run(event.target.value)} disabled={select.busy}>
              {profile ? null : <option value="">Choose…</option>}
              {state.profiles.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {/* The marker first: a narrow switcher truncates the end of the text. */}
                  {candidate.production ? 'PRODUCTION — ' : ''}
                  {candidate.name}
                  {candidate.kind === 'sandbox' && !candidate.production && !/sandbox/i.test(candidate.name) ? ' — sandbox' : ''}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="topbar__operator">
          {profile?.operator ? (
            <span>
              <span className="topbar__dim">You are </span>
              <strong>{profile.operator.name}</strong>
            </span>
          ) : profile && onChooseOperator && showSwitcher ? (
            <button type="button" className="button button--small topbar__button" onClick={onChooseOperator}>
              Choose who I am
            </button>
          ) : null}
          <span className="topbar__dim topbar__os">{state.osUser}</span>
        </div>
      </header>
      {select.error ? (
        <div className="topbar-error">
          <ErrorMessage error={select.error} compact />
        </div>
      ) : null}
    </>
  );
}
