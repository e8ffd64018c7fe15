// A user's picture as main serves it (an `/avatars/…` path on the console's own origin, or a data:
// URL; the CSP allows nothing remote), or their initials when there is none or it fails to load.
import { useState } from 'react';

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

const servedByMain = (url: string | null): url is string => !!url && (url.startsWith('/avatars/') || url.startsWith('data:image/'));

/** `decorative`: the name is right beside it (a list row), so assistive technology skips the picture. */
export function Avatar({ name, imageUrl, size = 'medium', decorative = false }: { name: string; imageUrl: string | null; size?: 'small' | 'medium' | 'large'; decorative?: boolean }) {
  const [failed, setFailed] = useState<string | null>(null);
  const label = `Avatar of ${name || 'unnamed user'}`;
  if (servedByMain(imageUrl) && failed !== imageUrl) {
    return <img className={`avatar avatar--${size}`} src={imageUrl} alt={decorative ? '' : label} width={40} height={40} onError={() => setFailed(imageUrl)} />;
  }
  if (decorative) {
    // Initials drawn by CSS, not text: the row's name is its text, and the visible words stay the
    // ones its accessible name starts with (WCAG 2.5.3).
    return <span className={`avatar avatar--${size} avatar--initials avatar--drawn`} aria-hidden="true" data-initials={initialsOf(name)} />;
  }
  return (
    <span className={`avatar avatar--${size} avatar--initials`} role="img" aria-label={label}>
      {initialsOf(name)}
    </span>
  );
}
