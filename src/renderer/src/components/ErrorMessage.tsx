// A failure from main where the agent acted: what happened, main's own words, and what to do next.
import type { AppErrorData } from '../../../shared/errors.ts';
import { describeError } from '../data/error-text.ts';

export function ErrorMessage({ error, onRetry, retryLabel = 'Try again', compact = false }: { error: AppErrorData; onRetry?: () => void; retryLabel?: string; compact?: boolean }) {
  const text = describeError(error);
  return (
    <div className={`alert alert--error${compact ? ' alert--compact' : ''}`} role="alert" data-error-kind={error.kind}>
      <p className="alert__title">{text.title}</p>
      {text.detail ? <p className="alert__detail">{text.detail}</p> : null}
      <p className="alert__next">{text.next}</p>
      {onRetry ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          {retryLabel}
        </button>
      ) : null}
    </div>
  );
}
