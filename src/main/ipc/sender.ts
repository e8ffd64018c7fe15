// Who may call main: only the console window's top frame, showing the console's own origin.
// A destroyed frame (null), a sub-frame, another window or a navigated-away page is refused.

export interface IpcSender {
  /** URL of the calling frame; null when Electron no longer knows the frame. */
  frameUrl: string | null;
  isMainFrame: boolean;
  webContentsId: number;
}

export interface TrustedConsole {
  /** webContents ids of console windows (there is one; a set keeps the check honest). */
  webContentsIds: ReadonlySet<number>;
  /** e.g. `understudy://console` in the app, `http://127.0.0.1:5173` in the browser harness. */
  origin: string;
}

/** `protocol//host`: WHATWG `URL.origin` is "null" for custom schemes, so it cannot be used. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

export function isTrustedSender(sender: IpcSender | null, trusted: TrustedConsole): boolean {
  if (!sender || sender.frameUrl === null || !sender.isMainFrame) return false;
  if (!trusted.webContentsIds.has(sender.webContentsId)) return false;
  return originOf(sender.frameUrl) === trusted.origin;
}
