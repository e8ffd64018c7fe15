// Whether the desktop lets the app place its windows. Electron 38+ runs natively on Wayland when the
// session offers it (`--ozone-platform-hint` defaults to `auto`; docs/breaking-changes.md, 38.0),
// and Wayland gives clients no say over window positions: only sizes can be set.
export function positionsHonoured(platform: NodeJS.Platform, env: Record<string, string | undefined>, ozone: { platform: string; hint: string }): boolean {
  if (platform !== 'linux') return true;
  const chosen = ozone.platform || ozone.hint;
  if (chosen === 'x11') return true;
  if (chosen === 'wayland') return false;
  return !(env['WAYLAND_DISPLAY'] || env['XDG_SESSION_TYPE'] === 'wayland');
}
