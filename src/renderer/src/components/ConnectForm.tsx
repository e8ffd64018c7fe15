// Connects a Clerk instance: a name and its secret key. The key is read straight from the field at
// submit and never lives in React state. The field is emptied once main took the key (stored, or
// refused by Clerk); a key main refused for its shape stays, so a cut-off paste can be corrected.
import { useRef, useState, type FormEvent } from 'react';
import type { Profile } from '../../../shared/domain.ts';
import { api, call, toAppError } from '../data/api.ts';
import { describeError } from '../data/error-text.ts';
import { useAction } from '../data/hooks.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Field } from './Field.tsx';

export function ConnectForm({ onConnected, submitLabel = 'Connect instance' }: { onConnected(profile: Profile): void; submitLabel?: string }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<{ name?: string; secretKey?: string }>({});
  const keyRef = useRef<HTMLInputElement>(null);
  // Set when main refused the key for its shape (nothing was sent to Clerk): it stays in the field.
  const shapeRefused = useRef(false);
  const connect = useAction(async (input: { name: string; secretKey: string }) => {
    shapeRefused.current = false;
    try {
      return await call(api().profiles.add(input));
    } catch (error) {
      const data = toAppError(error);
      shapeRefused.current = data.kind === 'invalid-input' && (data.issues ?? []).some((issue) => issue.path === 'secretKey');
      throw error;
    }
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const field = keyRef.current;
    const secretKey = field?.value.trim() ?? '';
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Give the instance a name, e.g. “Acme production”.';
    if (!secretKey) found.secretKey = 'Paste the instance’s secret key.';
    setErrors(found);
    connect.clearError();
    if (found.name || found.secretKey) return;
    const profile = await connect.run({ name: name.trim(), secretKey });
    if (field && !shapeRefused.current) field.value = '';
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
