// Avatars drawn on the fly (initials on a colour derived from the id), so `image_url` points at the
// customer app and never at a remote host.
import { createHash } from 'node:crypto';
import { escapeHtml } from './html.ts';
import type { SandboxUser } from './users.ts';

const COLOURS = ['#6C47FF', '#0E7490', '#B45309', '#15803D', '#BE185D', '#1D4ED8', '#7C3AED', '#B91C1C', '#0F766E', '#4D7C0F'];

function initials(user: SandboxUser): string {
  const letters = [user.firstName, user.lastName]
    .map((name) => (name ?? '').trim().charAt(0))
    .join('');
  return (letters || (user.username ?? '?').charAt(0)).toUpperCase();
}

export function avatarSvg(user: SandboxUser): string {
  const digest = createHash('sha256').update(user.id).digest();
  const colour = user.hasImage ? (COLOURS[(digest[0] ?? 0) % COLOURS.length] as string) : '#9CA3AF';
  const label = user.hasImage ? initials(user) : '';
  const silhouette = user.hasImage
    ? ''
    : '<circle cx="64" cy="50" r="22" fill="#F3F4F6"/><path d="M24 112c4-22 20-34 40-34s36 12 40 34z" fill="#F3F4F6"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="${escapeHtml(label || 'avatar')}">
<rect width="128" height="128" rx="64" fill="${colour}"/>${silhouette}
<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="52" font-weight="600" fill="#fff">${escapeHtml(label)}</text>
</svg>`;
}
