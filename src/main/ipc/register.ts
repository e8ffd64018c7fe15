// Registers one handler per contract channel. Order of every call: sender check, schema
// validation, then the service. Whatever happens, the renderer gets a serialisable Result.
import type { z } from 'zod';
import { contract, channels, type Channel, type ChannelOutput, type Contract } from '../../shared/contract.ts';
import { AppError, type AppErrorData, type Result } from '../../shared/errors.ts';
import { detailsIn, type Logger } from '../log.ts';
import { isTrustedSender, type IpcSender, type TrustedConsole } from './sender.ts';

export type Handlers = {
  [C in Channel]: (input: z.output<Contract[C]['input']>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

export type IpcListener = (sender: IpcSender | null, input: unknown) => Promise<Result<unknown>>;

/** What Electron's ipcMain (or the browser harness) must offer. */
export interface IpcRegistry {
  handle(channel: Channel, listener: IpcListener): void;
  removeHandler(channel: Channel): void;
}

export function registerHandlers(
  registry: IpcRegistry,
  handlers: Handlers,
  trusted: () => TrustedConsole,
  log: Logger,
): () => void {
  for (const channel of channels) {
    registry.handle(channel, (sender, input) => dispatch(channel, sender, input, handlers, trusted(), log));
  }
  return () => channels.forEach((channel) => registry.removeHandler(channel));
}

export async function dispatch(
  channel: Channel,
  sender: IpcSender | null,
  input: unknown,
  handlers: Handlers,
  trusted: TrustedConsole,
  log: Logger,
): Promise<Result<unknown>> {
  if (!isTrustedSender(sender, trusted)) {
    log.warn(`Refused ${channel} from an untrusted sender`, { frameUrl: sender?.frameUrl ?? null });
    return failure({ kind: 'forbidden-sender', message: 'This request did not come from the Understudy console.' });
  }
  // Inputs are plain objects from structured clone; a Date, Map or class instance is not one,
  // even where every field is optional and a schema would accept it.
  if (!isPlainObject(input)) {
    return failure({ kind: 'invalid-input', message: `Invalid request for ${channel}.`, issues: [{ path: '(input)', message: 'Expected an object' }] });
  }
  const parsed = contract[channel].input.safeParse(input);
  if (!parsed.success) {
    return failure({
      kind: 'invalid-input',
      message: `Invalid request for ${channel}.`,
      // Paths and zod's own wording only: messages never echo the (possibly secret) input.
      issues: parsed.error.issues.slice(0, 20).map((issue) => ({
        path: (issue.path.map(String).join('.') || '(input)').slice(0, 200),
        // Capped: zod names unknown keys, and a hostile key can be a megabyte long.
        message: issue.message.slice(0, 200),
      })),
    });
  }
  try {
    const handler = handlers[channel] as (value: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return failure(toErrorData(error, channel, log));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function failure(error: AppErrorData): Result<never> {
  return { ok: false, error };
}

export function toErrorData(error: unknown, channel: string, log: Logger): AppErrorData {
  if (error instanceof AppError) return error.toData();
  log.error(`Unexpected failure in ${channel}`, error);
  return { kind: 'internal', message: `Something went wrong inside Understudy. ${detailsIn(log)}` };
}
