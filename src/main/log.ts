// Main-process logging with redaction as a second line of defence: no code path should log a
// secret, but if one ever does, keys, session JWTs and ticket parameters are masked first.

export interface Logger {
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(sk_(?:test|live)_)[A-Za-z0-9]+/g, '$1[redacted]'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[jwt redacted]'],
  [/([?&](?:ticket|__clerk_ticket|token)=)[^&#\s"']+/gi, '$1[redacted]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
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

export function createLogger(sink: LogSink = defaultSink): Logger {
  const write = (level: 'info' | 'warn' | 'error') => (message: string, details?: unknown) =>
    sink(level, redact(`${message}${describe(details)}`));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

function defaultSink(level: 'info' | 'warn' | 'error', line: string): void {
  const stamp = new Date().toISOString();
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(`${stamp} ${level} ${line}`);
}
