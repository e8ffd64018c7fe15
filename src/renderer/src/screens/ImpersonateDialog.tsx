// Starting an impersonation: reason, limits within the instance's policy, look-don't-touch, and for
// production the instance name typed out. Enter starts it; main checks everything again.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Profile, UserDetail } from '../../../shared/domain.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Checkbox, Field } from '../components/Field.tsx';
import { displayName } from '../components/UserSearch.tsx';
import { api, call } from '../data/api.ts';
import { announceOpening } from '../data/impersonation-notices.ts';
import { describeError } from '../data/error-text.ts';
import { impersonateDefaults, needsProductionConfirmation, REASON_MAX, toMinutesText, validateImpersonation, type ImpersonateErrors, type ImpersonateFields } from '../data/forms.ts';
import { useAction } from '../data/hooks.ts';
import { navigate } from '../data/navigation.ts';
import { formatDuration } from '../data/time.ts';

/** Main's per-field messages, mapped onto this form's fields. */
const ISSUE_FIELDS: Record<string, keyof ImpersonateErrors> = {
  reason: 'reason',
  tokenTtlSeconds: 'ttl',
  sessionMaxSeconds: 'session',
  confirmation: 'confirmation',
};

/**
 * Opened by a helpdesk link rather than by the agent: what the link asked for is said first, Enter
 * in a field does not start (the agent may have been typing elsewhere when the link arrived), and a
 * user who cannot be impersonated is said instead of offered.
 */
export interface FromLink {
  reason: string;
  notice: ReactNode;
  blocked: string | null;
}

export function ImpersonateDialog({ profile, user, onClose, fromLink }: { profile: Profile; user: UserDetail; onClose(): void; fromLink?: FromLink }) {
  const [fields, setFields] = useState<ImpersonateFields>(() => ({ ...impersonateDefaults(profile.policy), reason: fromLink?.reason ?? '' }));
  const [errors, setErrors] = useState<ImpersonateErrors>({});
  const reasonRef = useRef<HTMLInputElement>(null);
  const start = useAction((body: Parameters<ReturnType<typeof api>['impersonation']['start']>[0]) => call(api().impersonation.start(body)));
  const policy = profile.policy;
  const confirm = needsProductionConfirmation(profile);
  const name = displayName(user);
  const set = <K extends keyof ImpersonateFields>(key: K, value: ImpersonateFields[K]) => setFields((previous) => ({ ...previous, [key]: value }));

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (start.busy || fromLink?.blocked) return;
    const checked = validateImpersonation(fields, profile);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const view = await start.run({ profileId: profile.id, userId: user.id, ...checked.body });
    if (!view) return;
    announceOpening(view);
    onClose();
    navigate({ screen: 'active', highlight: view.id });
  };

  const serverFields: ImpersonateErrors = {};
  if (start.error) {
    for (const [path, message] of Object.entries(describeError(start.error).fields)) {
      const field = ISSUE_FIELDS[path];
      if (field) serverFields[field] ??= message;
    }
  }
  const errorOf = (key: keyof ImpersonateErrors) => errors[key] ?? serverFields[key];
  const ttlMax = policy.maxTokenTtlSeconds / 60;
  const sessionMax = policy.maxSessionSeconds / 60;

  return (
    <Dialog
      title={`Impersonate ${name}`}
      onClose={onClose}
      initialFocus={reasonRef}
      tone={profile.production ? 'production' : 'default'}
      testId="impersonate-dialog"
      description={
        <p>
          Opens a separate window signed in as <strong>{name}</strong>
          {user.primaryEmail ? <> ({user.primaryEmail})</> : null} in <strong>{profile.name}</strong>. It is recorded here and in Clerk.
        </p>
      }
    >
      <form
        className="form"
        noValidate
        onSubmit={submit}
        onKeyDown={(event) => {
          const target = event.target as HTMLElement;
          if (event.key !== 'Enter' || target.tagName !== 'INPUT') return;
          // From a link, only the Start button starts it.
          if (fromLink) {
            event.preventDefault();
            return;
          }
          // Enter starts it from any field, the checkbox included.
          if ((target as HTMLInputElement).type === 'checkbox') {
            event.preventDefault();
            void submit();
          }
        }}
      >
        {fromLink ? (
          <div className="link-notice" role="note" aria-label="Opened from a helpdesk link">
            {fromLink.notice}
            {fromLink.blocked ? <p className="link-notice__blocked">{fromLink.blocked}</p> : null}
          </div>
        ) : null}
        {profile.production ? (
          <p className="production-warning" role="note">
            <strong>PRODUCTION</strong> This is a real customer account in a production instance.
          </p>
        ) : null}
        <Field
          label={policy.requireReason ? 'Reason or ticket (required)' : 'Reason or ticket (optional)'}
          hint="Kept in the local history. Only a short ticket reference goes to Clerk."
          error={errorOf('reason')}
        >
          <input
            ref={reasonRef}
            type="text"
            value={fields.reason}
            maxLength={REASON_MAX}
            required={policy.requireReason}
            autoComplete="off"
            placeholder="e.g. SUP-1234 checkout button missing"
            onChange={(event) => set('reason', event.target.value)}
          />
        </Field>
        <div className="form__row">
          <Field label="Sign-in link valid for (minutes)" hint={`At most ${formatDuration(policy.maxTokenTtlSeconds)}.`} error={errorOf('ttl')}>
            <input
              type="number"
              inputMode="numeric"
              min={Math.min(1, ttlMax)}
              max={ttlMax}
              step={1}
              value={fields.ttlMinutes}
              onChange={(event) => set('ttlMinutes', event.target.value)}
            />
          </Field>
          <Field label="Session ends after (minutes)" hint={`At most ${formatDuration(policy.maxSessionSeconds)}.`} error={errorOf('session')}>
            <input
              type="number"
              inputMode="numeric"
              min={Math.min(1, sessionMax)}
              max={sessionMax}
              step={1}
              value={fields.sessionMinutes}
              onChange={(event) => set('sessionMinutes', event.target.value)}
            />
          </Field>
        </div>
        <Checkbox
          label="Look, don’t touch (best-effort)"
          hint="Asks the customer app to block changes. Best-effort: it relies on the app honouring it, so still act with care."
          checked={fields.readOnly}
          onChange={(checked) => set('readOnly', checked)}
        />
        {confirm ? (
          <Field
            className="field--confirm"
            label={
              <>
                Type <strong className="mono">{profile.name}</strong> to confirm
              </>
            }
            error={errorOf('confirmation')}
          >
            <input type="text" value={fields.confirmation} autoComplete="off" spellCheck={false} onChange={(event) => set('confirmation', event.target.value)} />
          </Field>
        ) : null}
        {start.error && start.error.kind !== 'invalid-input' ? <ErrorMessage error={start.error} compact /> : null}
        <p className="dialog__hint muted">
          Defaults are this instance’s limits ({toMinutesText(policy.maxTokenTtlSeconds)} and {toMinutesText(policy.maxSessionSeconds)} min).{' '}
          {fromLink ? 'Review it, then choose Start impersonation: nothing starts from the link alone.' : 'Press Enter to start.'}
        </p>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${profile.production ? 'button--danger' : 'button--primary'}`}
            disabled={start.busy || Boolean(fromLink?.blocked)}
            aria-busy={start.busy || undefined}
          >
            {start.busy ? 'Starting…' : 'Start impersonation'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
