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

export function Avatar({ name, imageUrl, size = 'medium' }: { name: string; imageUrl: string | null; size?: 'small' | 'medium' | 'large' }) {
  const [failed, setFailed] = useState<string | null>(null);
  const label = `Avatar of ${name || 'unnamed user'}`;
  if (servedByMain(imageUrl) && failed !== imageUrl) {
    return <img className={`avatar avatar--${size}`} src={imageUrl} alt={label} width={40} height={40} onError={() => setFailed(imageUrl)} />;
  }
  return (
    <span className={`avatar avatar--${size} avatar--initials`} role="img" aria-label={label}>
      {initialsOf(name)}
    </span>
  );
}
