// An id as support agents paste it into tickets: the full value (in a tooltip too, where a narrow
// column truncates it) and a Copy button that says what it copied.
import { useEffect, useState } from 'react';
import { announce } from '../data/announcer.ts';

export type IdKind = 'user id' | 'session id' | 'token id';

/** `buttonOnly`: where a column has no room for the id, a "Copy token id" button with the id in its tooltip. */
export function CopyId({ id, kind, truncate = false, buttonOnly = false }: { id: string; kind: IdKind; truncate?: boolean; buttonOnly?: boolean }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied(true);
      announce(`Copied the ${kind} ${id}.`, 'success');
    } catch {
      announce(`Could not copy the ${kind}: select it and copy it by hand.`, 'error');
    }
  };

  if (buttonOnly) {
    return (
      <button type="button" className="copy-id__button" onClick={() => void copy()} aria-label={`Copy ${kind} ${id}`} title={id}>
        {copied ? 'Copied' : `Copy ${kind}`}
      </button>
    );
  }

  return (
    <span className="copy-id">
      <span className={`mono copy-id__text${truncate ? ' copy-id__text--truncate' : ''}`} title={id}>
        {id}
      </span>
      <button type="button" className="copy-id__button" onClick={() => void copy()} aria-label={`Copy ${kind} ${id}`} title={`Copy ${kind}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
