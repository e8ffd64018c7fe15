// `node --import ./dev/electron-emulation/register.mjs out/main/index.js`: the built main bundle
// runs with `electron` resolved to the emulation (and to nothing else: every other import is real).
import { register } from 'node:module';

const emulation = new URL('./electron.ts', import.meta.url).href;
const control = new URL('./control.ts', import.meta.url).href;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(emulation)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
// Out-of-process tests drive the emulated app through a control channel (only when asked for).
if (process.env.UNDERSTUDY_EMULATION_CONTROL === 'ipc') await import(control);
