// The application menu as data (the Electron adapter hands it to Menu.buildFromTemplate). Menu roles
// act on whichever web contents has focus, which may be an impersonation's banner or customer page:
// a packaged build offers no Reload, Force Reload or DevTools at all. Edit roles stay, so copy and
// paste keep working everywhere (on macOS they only work through the menu).
export interface MenuEntry {
  role?: string;
  label?: string;
  type?: 'separator';
  submenu?: MenuEntry[];
}

const UNSAFE_ROLES = new Set(['reload', 'forceReload', 'toggleDevTools']);

export function applicationMenu(options: { packaged: boolean; platform: NodeJS.Platform }): MenuEntry[] {
  const view: MenuEntry[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (!options.packaged) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  const menu: MenuEntry[] = [
    { role: 'fileMenu' },
    {
      role: 'editMenu',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  if (options.platform === 'darwin') menu.unshift({ role: 'appMenu' });
  return menu;
}

/** Every role a menu offers, submenus included (for tests and for a last check before use). */
export function rolesOf(entries: readonly MenuEntry[]): string[] {
  return entries.flatMap((entry) => [...(entry.role ? [entry.role] : []), ...rolesOf(entry.submenu ?? [])]);
}

export function hasUnsafeRoles(entries: readonly MenuEntry[]): boolean {
  return rolesOf(entries).some((role) => UNSAFE_ROLES.has(role));
}
