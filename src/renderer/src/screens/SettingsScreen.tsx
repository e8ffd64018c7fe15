// Settings: instances (add, rename, say who you are, app addresses, remove the key), each instance's policy, the
// audit delivery the organisation set up, and the theme.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AppState, OrgPolicyView, Policy, Profile } from '../../../shared/domain.ts';
import { AppOriginsEditor } from '../components/AppOriginsEditor.tsx';
import { AuditDeliverySection } from '../components/AuditDelivery.tsx';
import { Badge } from '../components/Badges.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ConnectForm } from '../components/ConnectForm.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Checkbox, Field } from '../components/Field.tsx';
import { OperatorDialog } from '../components/OperatorPicker.tsx';
import { api, call } from '../data/api.ts';
import { announce } from '../data/announcer.ts';
import { applyProfile, applyState, appData } from '../data/app-data.ts';
import { describeError } from '../data/error-text.ts';
import { fieldsToPolicy, policyToFields, type PolicyErrors, type PolicyFields } from '../data/forms.ts';
import { useAction, useStore } from '../data/hooks.ts';
import { setTheme, theme, type ThemeChoice } from '../data/theme.ts';
import { formatDuration } from '../data/time.ts';

export function SettingsScreen({ state }: { state: AppState }) {
  return (
    <section className="screen" aria-labelledby="settings-title">
      <header className="screen__header">
        <div>
          <h1 id="settings-title" className="screen__title">
            Settings
          </h1>
          <p className="screen__subtitle">Instances, their impersonation policy, and how Understudy looks.</p>
        </div>
      </header>
      <InstancesSection state={state} />
      <PolicySection state={state} />
      <AuditDeliverySection />
      <AppearanceSection />
      <LogSection logPath={state.logPath} />
    </section>
  );
}

function InstancesSection({ state }: { state: AppState }) {
  const [adding, setAdding] = useState(false);
  // A new instance becomes active in main at once; until the agent says who they are there, the
  // console goes back to the instance they were using, so nothing runs without an operator.
  const [naming, setNaming] = useState<{ profile: Profile; previous: string | null } | null>(null);
  const finishNaming = async () => {
    if (!naming) return;
    setNaming(null);
    const current = appData.get().state?.profiles.find((candidate) => candidate.id === naming.profile.id);
    if (current?.operator || !naming.previous || naming.previous === naming.profile.id) return;
    try {
      applyState(await call(api().profiles.select({ profileId: naming.previous })));
      announce(`${naming.profile.name} was added but not made active: say who you are there first (Choose who I am).`);
    } catch {
      announce(`${naming.profile.name} is active without an operator: say who you are there before impersonating anyone.`);
    }
  };
  return (
    <section className="panel" aria-labelledby="instances-title">
      <header className="panel__header">
        <h2 id="instances-title" className="panel__title">
          Instances
        </h2>
        <button type="button" className="button button--small" onClick={() => setAdding((open) => !open)} aria-expanded={adding}>
          {adding ? 'Cancel' : 'Add instance'}
        </button>
      </header>
      {adding ? (
        <div className="card card--inset">
          <h3 className="card__title">Connect a Clerk instance</h3>
          <ConnectForm
            onConnected={(profile) => {
              setAdding(false);
              setNaming({ profile, previous: state.activeProfileId });
              announce(`Connected ${profile.name}. Now say who you are there.`, 'success');
            }}
          />
        </div>
      ) : null}
      {state.profiles.length === 0 ? <p className="muted">No instances yet. Add one with its secret key.</p> : null}
      <ul className="instance-list">
        {state.profiles.map((profile) => (
          <InstanceItem key={profile.id} profile={profile} active={profile.id === state.activeProfileId} />
        ))}
      </ul>
      {naming ? <OperatorDialog profile={naming.profile} onClose={() => void finishNaming()} /> : null}
    </section>
  );
}

function InstanceItem({ profile, active }: { profile: Profile; active: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(profile.name);
  const [removing, setRemoving] = useState(false);
  const [choosingOperator, setChoosingOperator] = useState(false);
  const rename = useAction(async (next: string) => {
    applyProfile(await call(api().profiles.rename({ profileId: profile.id, name: next })));
    setRenaming(false);
    announce(`Renamed to ${next}.`, 'success');
  });
  const remove = useAction(async () => {
    applyState(await call(api().profiles.remove({ profileId: profile.id })));
    setRemoving(false);
    announce(`Removed ${profile.name} and deleted its key from the keychain.`, 'success');
  });
  const select = useAction(async () => applyState(await call(api().profiles.select({ profileId: profile.id }))));
  const nameId = useId();

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) void rename.run(name.trim());
  };

  return (
    <li className={`instance${profile.production ? ' instance--production' : ''}`} aria-labelledby={nameId}>
      <div className="instance__head">
        {renaming ? (
          <form className="inline-form" onSubmit={submitRename} aria-label={`Rename ${profile.name}`}>
            <Field label="Name" error={rename.error ? describeError(rename.error).fields['name'] : undefined}>
              <input type="text" value={name} maxLength={80} onChange={(event) => setName(event.target.value)} autoFocus />
            </Field>
            <button type="submit" className="button button--small button--primary" disabled={rename.busy || !name.trim()}>
              Save
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setRenaming(false);
                setName(profile.name);
                rename.clearError();
              }}
            >
              Cancel
            </button>
          </form>
        ) : (
          <h3 id={nameId} className="instance__name">
            {profile.name}
          </h3>
        )}
        <span className="badges">
          {profile.production ? <Badge tone="danger">Production</Badge> : profile.kind === 'sandbox' ? <Badge tone="info">Sandbox</Badge> : <Badge>Development</Badge>}
          {active ? <Badge tone="success">In use</Badge> : null}
        </span>
      </div>
      <dl className="instance__facts">
        <div>
          <dt>Secret key</dt>
          <dd className="mono">{profile.keyHint || '—'}</dd>
        </div>
        <div>
          <dt>You are</dt>
          <dd>{profile.operator ? `${profile.operator.name} (${profile.operator.userId})` : <span className="muted">Not chosen yet</span>}</dd>
        </div>
        {profile.kind === 'clerk' && profile.production ? (
          <div>
            <dt>App addresses</dt>
            <dd>https only (production instance)</dd>
          </div>
        ) : null}
      </dl>
      <div className="instance__actions">
        {!active ? (
          <button type="button" className="button button--small" onClick={() => void select.run()} disabled={select.busy}>
            Use this instance
          </button>
        ) : null}
        <button type="button" className="button button--small" onClick={() => setChoosingOperator(true)}>
          {profile.operator ? 'Change who I am' : 'Choose who I am'}
        </button>
        {!renaming ? (
          <button type="button" className="button button--small" onClick={() => setRenaming(true)}>
            Rename
          </button>
        ) : null}
        {profile.kind !== 'sandbox' ? (
          <button type="button" className="button button--small button--danger-ghost" onClick={() => setRemoving(true)}>
            Remove key…
          </button>
        ) : null}
      </div>
      {rename.error && !describeError(rename.error).fields['name'] ? <ErrorMessage error={rename.error} compact /> : null}
      {select.error ? <ErrorMessage error={select.error} compact /> : null}
      {profile.kind === 'clerk' && !profile.production ? <AppOriginsEditor profile={profile} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${profile.name}?`}
          confirmLabel="Remove and delete key"
          onConfirm={() => void remove.run()}
          onClose={() => {
            remove.clearError();
            setRemoving(false);
          }}
          busy={remove.busy}
          error={remove.error}
        >
          <p>
            Its secret key (<span className="mono">{profile.keyHint}</span>) is deleted from your system keychain. Its entries in the token history stay.
            To use it again, add it with the key.
          </p>
        </ConfirmDialog>
      ) : null}
      {choosingOperator ? <OperatorDialog profile={profile} onClose={() => setChoosingOperator(false)} /> : null}
    </li>
  );
}

function PolicySection({ state }: { state: AppState }) {
  const [profileId, setProfileId] = useState(state.activeProfileId ?? state.profiles[0]?.id ?? '');
  const profile = state.profiles.find((candidate) => candidate.id === profileId) ?? state.profiles[0] ?? null;
  return (
    <section className="panel" aria-labelledby="policy-title">
      <header className="panel__header">
        <h2 id="policy-title" className="panel__title">
          Policy
        </h2>
        <p className="panel__subtitle">The rules every impersonation in an instance must follow. Understudy enforces them in the main process.</p>
      </header>
      {profile ? (
        <>
          <Field label="Instance" className="field--inline">
            <select value={profile.id} onChange={(event) => setProfileId(event.target.value)}>
              {state.profiles.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                  {candidate.production ? ' (production)' : ''}
                </option>
              ))}
            </select>
          </Field>
          <PolicyEditor key={profile.id} profile={profile} />
        </>
      ) : (
        <p className="muted">Add an instance first.</p>
      )}
    </section>
  );
}

const POLICY_ISSUES: Record<string, keyof PolicyFields> = {
  'policy.requireReason': 'requireReason',
  'policy.maxTokenTtlSeconds': 'maxTokenTtlMinutes',
  'policy.maxSessionSeconds': 'maxSessionMinutes',
  'policy.protectedRoles': 'protectedRoles',
  'policy.protectedUserIds': 'protectedUserIds',
};

function PolicyEditor({ profile }: { profile: Profile }) {
  const [fields, setFields] = useState<PolicyFields>(() => policyToFields(profile.policy));
  const [errors, setErrors] = useState<PolicyErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useAction(async (policy: Profile['policy']) => {
    applyProfile(await call(api().profiles.setPolicy({ profileId: profile.id, policy })));
    setSaved(true);
    announce(`Saved the policy of ${profile.name}.`, 'success');
  });
  const set = <K extends keyof PolicyFields>(key: K, value: PolicyFields[K]) => {
    setSaved(false);
    setFields((previous) => ({ ...previous, [key]: value }));
  };
  // Another window of truth (an admin, a provisioning) may change the policy: show the new one if untouched.
  useEffect(() => {
    if (saved) setFields(policyToFields(profile.policy));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profile.policy]);

  const serverErrors: PolicyErrors = {};
  if (save.error) {
    for (const [path, message] of Object.entries(describeError(save.error).fields)) {
      const key = POLICY_ISSUES[path.replace(/\.\d+$/, '')];
      if (key) serverErrors[key] ??= message;
    }
  }
  const errorOf = (key: keyof PolicyFields) => errors[key] ?? serverErrors[key];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = fieldsToPolicy(fields);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    void save.run(checked.policy);
  };

  // Keys the organisation set: shown as in force, disabled, and said in words next to the control.
  const locked = new Set(profile.org?.locked ?? []);
  const lockedHint = (key: keyof Policy, hint?: string) =>
    locked.has(key) ? (
      <>
        <span className="org-lock">Set by your organisation.</span>
        {hint ? ` ${hint}` : null}
      </>
    ) : (
      hint
    );

  return (
    <form className="form policy-form" onSubmit={submit} noValidate aria-label={`Policy of ${profile.name}`}>
      {profile.org ? <OrgPolicyNote org={profile.org} /> : null}
      <div className="form__row">
        <Field
          label="Longest sign-in link (minutes)"
          hint={lockedHint('maxTokenTtlSeconds', `Now ${formatDuration(profile.policy.maxTokenTtlSeconds)}. The token dies unused after this.`)}
          error={errorOf('maxTokenTtlMinutes')}
        >
          <input type="number" min={1} max={43200} step={1} value={fields.maxTokenTtlMinutes} disabled={locked.has('maxTokenTtlSeconds')} onChange={(event) => set('maxTokenTtlMinutes', event.target.value)} />
        </Field>
        <Field
          label="Longest session (minutes)"
          hint={lockedHint('maxSessionSeconds', `Now ${formatDuration(profile.policy.maxSessionSeconds)}. The impersonated session ends after this.`)}
          error={errorOf('maxSessionMinutes')}
        >
          <input type="number" min={1} max={43200} step={1} value={fields.maxSessionMinutes} disabled={locked.has('maxSessionSeconds')} onChange={(event) => set('maxSessionMinutes', event.target.value)} />
        </Field>
      </div>
      <Checkbox label="Require a reason or ticket" hint={lockedHint('requireReason')} disabled={locked.has('requireReason')} checked={fields.requireReason} onChange={(value) => set('requireReason', value)} />
      <Checkbox
        label="Confirm production impersonations by typing the instance’s name"
        hint={lockedHint('confirmProduction', profile.production ? undefined : 'Applies when the instance uses a production (sk_live_) key.')}
        disabled={locked.has('confirmProduction')}
        checked={fields.confirmProduction}
        onChange={(value) => set('confirmProduction', value)}
      />
      <Checkbox label="Protect banned users" hint={lockedHint('protectBanned', 'Banned users cannot be impersonated.')} disabled={locked.has('protectBanned')} checked={fields.protectBanned} onChange={(value) => set('protectBanned', value)} />
      <Field label="Protected roles" hint={lockedHint('protectedRoles', 'Users whose public_metadata.role is one of these cannot be impersonated. Separate with commas.')} error={errorOf('protectedRoles')}>
        <input type="text" value={fields.protectedRoles} disabled={locked.has('protectedRoles')} onChange={(event) => set('protectedRoles', event.target.value)} autoComplete="off" spellCheck={false} />
      </Field>
      <Field label="Protected user ids" hint={lockedHint('protectedUserIds', 'One per line (user_…). These users cannot be impersonated.')} error={errorOf('protectedUserIds')}>
        <textarea rows={4} value={fields.protectedUserIds} disabled={locked.has('protectedUserIds')} onChange={(event) => set('protectedUserIds', event.target.value)} spellCheck={false} />
      </Field>
      {save.error && save.error.kind !== 'invalid-input' ? <ErrorMessage error={save.error} compact /> : null}
      {save.error?.kind === 'invalid-input' && Object.keys(serverErrors).length === 0 ? <ErrorMessage error={save.error} compact /> : null}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save policy'}
        </button>
        <span className="status-line" role="status">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

/** The organisation manages policy here: where from, what it locks, and whether it blocks this instance. */
function OrgPolicyNote({ org }: { org: OrgPolicyView }) {
  return (
    <div className="org-policy-note" role="note" aria-label="Policy set by your organisation">
      <p>
        Your organisation manages Understudy’s policy on this computer (<code>{org.source}</code>).{' '}
        {org.locked.length > 0 ? 'Rules marked “Set by your organisation” are in force as it set them and cannot be changed here.' : 'It sets none of the rules below.'}
      </p>
      {org.refusal ? <p className="org-policy-note__refusal">{org.refusal}</p> : null}
    </div>
  );
}

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function AppearanceSection() {
  const current = useStore(theme);
  return (
    <section className="panel" aria-labelledby="appearance-title">
      <header className="panel__header">
        <h2 id="appearance-title" className="panel__title">
          Appearance
        </h2>
      </header>
      <fieldset className="radio-group">
        <legend>Theme</legend>
        {THEMES.map((option) => (
          <label key={option.value} className="radio">
            <input type="radio" name="theme" value={option.value} checked={current === option.value} onChange={() => setTheme(option.value)} />
            {option.label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

/** Where Understudy's log is, and a way to open its folder (errors say "details are in the log"). */
function LogSection({ logPath }: { logPath: string | null }) {
  const open = useAction(() => call(api().app.openLogFolder({})));
  return (
    <section className="panel" aria-labelledby="log-title">
      <header className="panel__header">
        <h2 id="log-title" className="panel__title">
          Log
        </h2>
      </header>
      {logPath ? (
        <>
          <p className="panel__subtitle">
            Understudy writes what it does, without keys or sign-in links, to <code>{logPath}</code>.
          </p>
          <button type="button" className="button" onClick={() => void open.run()} disabled={open.busy}>
            Open log folder
          </button>
          {open.error ? <ErrorMessage error={open.error} compact /> : null}
        </>
      ) : (
        <p className="panel__subtitle">This run of Understudy logs to the terminal it was started from.</p>
      )}
    </section>
  );
}
