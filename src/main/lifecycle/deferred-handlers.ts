// The console window opens before the services exist (opening a large history or starting the
// sandbox takes time): its first IPC calls wait here for the services instead of failing with
// Electron's "No handler registered".
import { channels } from '../../shared/channels.ts';
import type { Handlers } from '../ipc/register.ts';

export function deferredHandlers(ready: Promise<{ handlers: Handlers }>): Handlers {
  const entries = channels.map((channel) => [channel, async (input: unknown) => ((await ready).handlers[channel] as (value: unknown) => unknown)(input)]);
  return Object.fromEntries(entries) as Handlers;
}
