// The app addresses of one development instance: plain-http origins its impersonation windows may
// open besides https and localhost. Main checks and normalises each one; the list shows only what
// main confirmed it stored, and a refusal is said next to the field.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Profile } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { announce } from '../data/announcer.ts';
import { applyProfile } from '../data/app-data.ts';
import { describeError } from '../data/error-text.ts';
import { useAction } from '../data/hooks.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

export function AppOriginsEditor({ profile }: { profile: Profile }) {
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const inputId = useId();
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const orgHintId = `${inputId}-org`;
  // The organisation's bound: only these may be listed (none when empty).
  const bound = profile.org?.appOrigins ?? null;
  const described = [hintId, bound ? orgHintId : null].filter(Boolean).join(' ');
  const save = useAction(async (appOrigins: string[], done: string) => {
    const saved = await call(api().profiles.setAppOrigins({ profileId: profile.id, appOrigins }));
    applyProfile(saved);
    announce(done, 'success');
    return saved;
  });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run([...profile.appOrigins, draft], `Added an app address to ${profile.name}.`);
    if (saved) setDraft('');
  };
  const remove = async (origin: string) => {
    const saved = await save.run(
      profile.appOrigins.filter((listed) => listed !== origin),
      `Removed ${origin} from ${profile.name}.`,
    );
    // The Remove button is gone with its row: the field keeps the keyboard where the agent works.
    if (saved) input.current?.focus();
  };

  // An Add is refused at the new entry's index (or the list, when it is full); anything else is shown below.
  const fields = save.error ? describeError(save.error).fields : {};
  const fieldError = fields[`appOrigins.${profile.appOrigins.length}`] ?? fields['appOrigins'];

  return (
    <div className="app-origins" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} className="app-origins__title">
        App addresses
      </h4>
      <p className="field__hint" id={hintId}>
        Impersonation windows open any https address and this computer’s own (localhost) on any port. List a development app served over plain
        http elsewhere, e.g. <span className="mono">http://dev-box.internal:3000</span>.
      </p>
      {bound ? (
        <p className="field__hint" id={orgHintId}>
          <span className="org-lock">Set by your organisation.</span>{' '}
          {bound.length > 0 ? (
            <>
              Only these can be listed: <span className="mono">{bound.join(', ')}</span>.
            </>
          ) : (
            'No app addresses can be listed.'
          )}
        </p>
      ) : null}
      {profile.appOrigins.length > 0 ? (
        <ul className="app-origins__list" aria-label={`App addresses of ${profile.name}`}>
          {profile.appOrigins.map((origin) => (
            <li key={origin} className="app-origins__item">
              <span className="mono">{origin}</span>
              <button type="button" className="button button--small button--danger-ghost" onClick={() => void remove(origin)} disabled={save.busy} aria-label={`Remove ${origin}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {/* Laid out by hand rather than with <Field>: Add sits beside the input, and the error below both. */}
      {bound?.length === 0 ? null : (
        <form className="field app-origins__add" onSubmit={(event) => void add(event)} noValidate aria-label={`Add an app address to ${profile.name}`}>
          <label className="field__label" htmlFor={inputId}>
            App address
          </label>
          <div className="app-origins__row">
            <input
              ref={input}
              id={inputId}
              type="text"
              inputMode="url"
              value={draft}
              maxLength={2048}
              placeholder="http://dev-box.internal:3000"
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? `${described} ${errorId}` : described}
              onChange={(event) => {
                setDraft(event.target.value);
                save.clearError();
              }}
              autoComplete="off"
              spellCheck={false}
            />
            <button type="submit" className="button" disabled={save.busy || draft.trim() === ''}>
              {save.busy ? 'Saving…' : 'Add'}
            </button>
          </div>
          {fieldError ? (
            <p className="field__error" id={errorId}>
              {fieldError}
            </p>
          ) : null}
        </form>
      )}
      {save.error && !fieldError ? <ErrorMessage error={save.error} compact /> : null}
    </div>
  );
}
