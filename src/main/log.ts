// Main-process logging; every line goes through `redact` before it is written.
import { redact } from './redact.ts';

export interface Logger {
  /** Where a person finds the lines (the log file's path), for messages that point there. */
  readonly location?: string;
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

function describe(details: unknown): string {
  if (details === undefined) return '';
  if (details instanceof Error) return ` ${details.name}: ${details.message}`;
  try {
    return ` ${JSON.stringify(details)}`;
  } catch {
    return ` ${String(details)}`;
  }
}

export type LogSink = (level: 'info' | 'warn' | 'error', line: string) => void;

export function createLogger(sink: LogSink = defaultSink, location = 'the terminal output'): Logger {
  const write = (level: 'info' | 'warn' | 'error') => (message: string, details?: unknown) =>
    sink(level, redact(`${message}${describe(details)}`));
  return { location, info: write('info'), warn: write('warn'), error: write('error') };
}

/** The sentence that sends a person to the log. */
export function detailsIn(log: Pick<Logger, 'location'>): string {
  return log.location ? `The details are in the log: ${log.location}` : 'The details are in the log.';
}

function defaultSink(level: 'info' | 'warn' | 'error', line: string): void {
  const stamp = new Date().toISOString();
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(`${stamp} ${level} ${line}`);
}
