// Applies the impersonation window rules (../impersonation/window-policy.ts) to an Electron
// session and to the web contents that use it. Called before anything is loaded in them.
import { session, type Certificate, type Session, type WebContents, type WindowOpenHandlerResponse } from 'electron';
import { isImpersonationPartition } from '../impersonation/partition.ts';
import type { NavigationPolicy } from '../impersonation/window-host.ts';
import {
  downloadDecision,
  isNavigationAllowed,
  permissionDecision,
  readOnlyRequestDecision,
} from '../impersonation/window-policy.ts';

export interface PartitionRules {
  navigation: NavigationPolicy;
  readOnly: boolean;
}

/**
 * The rules of a partition, read at each request. A partition prepared before its impersonation
 * exists (see window-host.ts) has none yet: until then every request is refused.
 */
export type RulesSource = () => PartitionRules | null;

/** The fresh in-memory session of one impersonation, with every rule in place. */
export function hardenedPartition(name: string, rulesOf: RulesSource): Session {
  if (!isImpersonationPartition(name)) throw new Error('Not an impersonation partition name');
  const ses = session.fromPartition(name, { cache: false });

  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionDecision(permission, details)));
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) => permissionDecision(permission, details));
  ses.setDevicePermissionHandler(() => false);
  ses.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  // Without these handlers Electron would pick the first device or port by itself.
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('will-download', (event, item) => {
    if (downloadDecision() === 'cancel') {
      event.preventDefault();
      item.cancel();
    }
  });
  ses.setSpellCheckerEnabled(false);

  // One listener per session (a second would replace it): it guards every frame navigation of
  // every page in the partition, pop-ups and redirects included, and applies read-only mode.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const rules = rulesOf();
    if (!rules) return callback({ cancel: true });
    const isFrame = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    const refusedNavigation = isFrame && !isNavigationAllowed(details.url, rules.navigation);
    const refusedWrite = rules.readOnly && readOnlyRequestDecision(details.method, details.url, rules.navigation) === 'block';
    callback({ cancel: refusedNavigation || refusedWrite });
  });
  return ses;
}

/** Navigation, redirects, pop-ups, webviews and client certificates of one customer page. */
export function guardContents(
  contents: WebContents,
  navigationOf: () => NavigationPolicy | null,
  onWindowOpen: (url: string) => WindowOpenHandlerResponse,
): void {
  const guard = (event: { url: string; preventDefault(): void }) => {
    const navigation = navigationOf();
    if (!navigation || !isNavigationAllowed(event.url, navigation)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => onWindowOpen(url));
  // Never answer a server's certificate request with one of the operator's own certificates.
  contents.on('select-client-certificate', (event, _url, _list, callback) => {
    event.preventDefault();
    (callback as (certificate?: Certificate) => void)();
  });
}
