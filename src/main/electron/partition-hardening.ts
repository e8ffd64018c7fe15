// Applies the impersonation window rules (../impersonation/window-policy.ts) to an Electron
// session and to the web contents that use it. Called before anything is loaded in them.
import { session, type Certificate, type Session, type WebContents, type WindowOpenHandlerResponse } from 'electron';
import { isImpersonationPartition } from '../impersonation/partition.ts';
import type { NavigationPolicy, PageProblem } from '../impersonation/window-host.ts';
import {
  downloadDecision,
  isNavigationAllowed,
  isTicketRefusal,
  originForBanner,
  permissionDecision,
  readOnlyRequestDecision,
} from '../impersonation/window-policy.ts';
import { TicketRefusalBodies } from './ticket-refusal-bodies.ts';

export interface PartitionRules {
  navigation: NavigationPolicy;
  readOnly: boolean;
  /** Refused main-frame navigations and Clerk's refusals of the ticket, for the banner and the orchestrator. */
  onPageProblem?: (problem: PageProblem) => void;
}

/**
 * The rules of a partition, read at each request. A partition prepared before its impersonation
 * exists (see window-host.ts) has none yet: until then every request is refused.
 */
export type RulesSource = () => PartitionRules | null;

export interface HardenedPartition {
  session: Session;
  /**
   * Reads Clerk's error body of a ticket refusal in this page, so the refusal is reported with
   * Clerk's code and message. False when the page cannot be watched: its refusals carry the status only.
   */
  watchTicketRefusals(contents: WebContents): boolean;
}

/** The fresh in-memory session of one impersonation, with every rule in place. */
export function hardenedPartition(name: string, rulesOf: RulesSource): HardenedPartition {
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
    if (refusedNavigation && details.resourceType === 'mainFrame') rules.onPageProblem?.({ kind: 'navigation-blocked', origin: originForBanner(details.url) });
    callback({ cancel: refusedNavigation || refusedWrite });
  });
  // One report per refusal, from webRequest, which sees every response of the partition; its body
  // (Clerk's code and message) comes from the page's debugger when it can be read, else the status alone.
  const isRefusal = (url: string, status: number) => {
    const rules = rulesOf();
    return rules !== null && isTicketRefusal(url, status, rules.navigation);
  };
  const bodies = new TicketRefusalBodies(isRefusal);
  ses.webRequest.onCompleted((details) => {
    const rules = rulesOf();
    if (!rules || !isTicketRefusal(details.url, details.statusCode, rules.navigation)) return;
    void bodies.errorOf(details.url, details.statusCode).then((error) =>
      rules.onPageProblem?.({ kind: 'ticket-error', status: details.statusCode, code: error?.code ?? null, message: error?.message ?? null }),
    );
  });
  return { session: ses, watchTicketRefusals: (contents) => bodies.watch(contents) };
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
