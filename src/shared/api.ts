// The shape of `window.understudy`, derived from the contract: `api.users.search(input)` for the
// channel `users:search`. Built by the preload (and by the browser harness) with `buildApi`.
import type { Result } from './errors.ts';
import type { ChannelInput, ChannelOutput, EventName, Events } from './contract.ts';
import { channels, eventNames, type Channel } from './channels.ts';

type Split<C extends string> = C extends `${infer NS}:${infer M}` ? [NS, M] : never;
type Namespaces = Split<Channel>[0];
type MethodsOf<NS extends string> = {
  [C in Channel as Split<C>[0] extends NS ? Split<C>[1] : never]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
};

export type UnderstudyApi = { [NS in Namespaces]: MethodsOf<NS> } & {
  /** Subscribe to a main → renderer event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

/** One function per contract channel, nothing else: no generic invoke escapes. */
export function buildApi(invoke: Invoke, subscribe: Subscribe): UnderstudyApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of channels) {
    const [ns, method] = channel.split(':') as [string, string];
    api[ns] ??= {};
    api[ns][method] = (input: unknown) => invoke(channel, input ?? {});
  }
  const on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!(eventNames as readonly string[]).includes(event)) throw new Error(`Unknown event ${String(event)}`);
    return subscribe(event, listener);
  };
  return Object.assign(api, { on }) as unknown as UnderstudyApi;
}
