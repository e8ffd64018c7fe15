// `node --import ./scripts/register-electron-stub.mjs …` (the bench): `electron` resolves to the
// Electron emulation in this process (dev/electron-emulation), so the harness runs the app's own
// Electron adapters. To run the app's entry point itself use dev/electron-emulation/register.mjs.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const emulation = pathToFileURL(new URL('../dev/electron-emulation/electron.ts', import.meta.url).pathname).href;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(emulation)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
