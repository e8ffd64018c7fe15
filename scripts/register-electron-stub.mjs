// `node --import ./scripts/register-electron-stub.mjs …`: under plain Node, `electron` resolves to
// the same stub vitest uses (the real package would try to download its binary). Only adapters
// such as electron-store's import it; they then use the absolute paths they are given.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const stub = pathToFileURL(new URL('../tests/support/electron-stub.ts', import.meta.url).pathname).href;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(stub)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
