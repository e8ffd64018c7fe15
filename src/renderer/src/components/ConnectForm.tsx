// Connects a Clerk instance: a name and its secret key. The key is read straight from the field at
// submit and the field is emptied at once, whatever the outcome: it never lives in React state.
import { useRef, useState, type FormEvent } from 'react';
import type { Profile } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { describeError } from '../data/error-text.ts';
import { useAction } from '../data/hooks.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Field } from './Field.tsx';

export function ConnectForm({ onConnected, submitLabel = 'Connect instance' }: { onConnected(profile: Profile): void; submitLabel?: string }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<{ name?: string; secretKey?: string }>({});
  const keyRef = useRef<HTMLInputElement>(null);
  const connect = useAction((input: { name: string; secretKey: string }) => call(api().profiles.add(input)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const field = keyRef.current;
    const secretKey = field?.value.trim() ?? '';
    if (field) field.value = '';
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Give the instance a name, e.g. “Acme production”.';
    if (!secretKey) found.secretKey = 'Paste the instance’s secret key.';
    setErrors(found);
    connect.clearError();
    if (found.name || found.secretKey) return;
    const profile = await connect.run({ name: name.trim(), secretKey });
    if (profile) {
      setName('');
      onConnected(profile);
    }
  };

  const fieldErrors = connect.error ? describeError(connect.error).fields : {};
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Connect a Clerk instance">
      <Field label="Instance name" error={errors.name ?? fieldErrors['name']} hint="Shown in the instance switcher and the history.">
        <input type="text" value={name} onChange={(event) => setName(event.target.value)} maxLength={80} autoComplete="off" spellCheck={false} />
      </Field>
      <Field
        label="Secret key"
        error={errors.secretKey ?? fieldErrors['secretKey']}
        hint={
          <>
            From the Clerk Dashboard, Configure → API keys. Starts with <code>sk_test_</code> or <code>sk_live_</code> (marked as production).
            Kept only in your system keychain; afterwards Understudy shows just its last characters.
          </>
        }
      >
        <input ref={keyRef} type="password" name="clerk-secret" autoComplete="off" spellCheck={false} maxLength={512} />
      </Field>
      {connect.error && connect.error.kind !== 'invalid-input' ? <ErrorMessage error={connect.error} compact /> : null}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={connect.busy} aria-busy={connect.busy || undefined}>
          {connect.busy ? 'Checking the key…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
