// "Are you sure?" for actions that cannot be undone; the confirm button has focus so Enter confirms
// and Esc backs out.
import { useRef, type ReactNode } from 'react';
import type { AppError } from '../../../shared/errors.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  busy = false,
  error = null,
  tone = 'danger',
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
  busy?: boolean;
  error?: AppError | null;
  tone?: 'danger' | 'default';
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={title} onClose={onClose} initialFocus={confirmRef} size="small" tone={tone === 'danger' ? 'danger' : 'default'}>
      <div className="dialog__text">{children}</div>
      {error ? <ErrorMessage error={error} compact /> : null}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          ref={confirmRef}
          type="button"
          className={`button ${tone === 'danger' ? 'button--danger' : 'button--primary'}`}
          onClick={onConfirm}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
