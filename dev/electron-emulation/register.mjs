// `node --import ./dev/electron-emulation/register.mjs out/main/index.js`: the built main bundle
// runs with `electron` resolved to the emulation (and to nothing else: every other import is real).
//
// docs/tutorial/esm.md: the main entry point's static imports and top-level code run before
// `ready`. The entry module gets one line appended that tells the emulation it has been evaluated;
// `app` becomes ready only after that.
import { register } from 'node:module';

const emulation = new URL('./electron.ts', import.meta.url).href;
const control = new URL('./control.ts', import.meta.url).href;
const SIGNAL = 'electron-emulation.entry-evaluated';
const hooks = `
let entry = null;
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(emulation)}, shortCircuit: true };
  const resolved = await next(specifier, context);
  if (context.parentURL === undefined && entry === null) entry = resolved.url;
  return resolved;
}
export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (url !== entry || loaded.format !== 'module') return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  return { ...loaded, source: source + '\\n;globalThis[Symbol.for(${JSON.stringify(SIGNAL)})]?.();\\n' };
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
if (process.argv[1]) {
  // app.ts waits for this before `ready` (see above).
  let evaluated;
  globalThis[Symbol.for('electron-emulation.entry-pending')] = new Promise((resolve) => (evaluated = resolve));
  globalThis[Symbol.for(SIGNAL)] = () => evaluated();
}
// Electron on Linux and macOS quits gracefully on SIGINT and SIGTERM (app.quit()).
if (process.argv[1]) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => void import(emulation).then(({ app }) => app.quit()));
  }
}
// Out-of-process tests drive the emulated app through a control channel (only when asked for).
if (process.env.UNDERSTUDY_EMULATION_CONTROL === 'ipc') await import(control);
