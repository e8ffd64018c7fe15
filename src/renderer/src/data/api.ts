// The renderer's one door to main: `window.understudy`, and `call()` which turns a Result into
// its value or a thrown AppError, so screens write `await call(api().users.search(...))`.
import type { UnderstudyApi } from '../../../shared/api.ts';
import { AppError, type Result } from '../../../shared/errors.ts';

interface UnderstudyHost {
  understudy?: UnderstudyApi;
}

export function hasApi(): boolean {
  return (globalThis as UnderstudyHost).understudy !== undefined;
}

export function api(): UnderstudyApi {
  const bridge = (globalThis as UnderstudyHost).understudy;
  if (!bridge) throw new AppError({ kind: 'internal', message: 'Understudy’s console was opened outside the app.' });
  return bridge;
}

/** Awaits an IPC answer: the value, or an AppError carrying main's kind and plain-words message. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch {
    // Only a broken bridge rejects; main answers every failure as a value.
    throw new AppError({ kind: 'internal', message: 'Understudy could not reach its main process.' });
  }
  if (result.ok) return result.value;
  throw new AppError(result.error);
}

/** Any thrown value as an AppError, so every screen renders failures the same way. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError({ kind: 'internal', message: 'Something unexpected went wrong in the console.' });
}
