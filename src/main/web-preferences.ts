// The baseline every Understudy window starts from (Electron security checklist): sandboxed,
// context-isolated, no Node anywhere, web security on, no webview, no experimental features.
// The console adds its preload; impersonation windows add their partition and nothing else.
export const HARDENED_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  plugins: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const;
