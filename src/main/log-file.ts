// The log a person can open: `understudy.log` in the logs folder under the user-data folder, written
// by electron-log's file transport (its Node entry: no Electron needed, so tests run it as the app
// does). At 1 MiB the file is rotated to understudy.1.log … understudy.5.log, the oldest dropped.
// Lines arrive already redacted by `createLogger`.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import type { LogSink } from './log.ts';

export const LOG_FILE_NAME = 'understudy.log';
const MAX_BYTES = 1024 * 1024;
const KEEP = 5;

export interface FileLog {
  sink: LogSink;
  /** The file being written, for messages that say where the details are. */
  path: string;
  dir: string;
}

export function createFileLog(dir: string, options: { maxBytes?: number; keep?: number; echo?: boolean } = {}): FileLog {
  const path = join(dir, LOG_FILE_NAME);
  const keep = options.keep ?? KEEP;
  const log = electronLog.create({ logId: `understudy-${path}` });
  log.transports.console.level = options.echo ? 'info' : false;
  log.transports.file.level = 'info';
  log.transports.file.resolvePathFn = () => path;
  log.transports.file.maxSize = options.maxBytes ?? MAX_BYTES;
  log.transports.file.format = '{iso} {level} {text}';
  // electron-log keeps one `.old.log`; a support desk wants a few files back.
  log.transports.file.archiveLogFn = (file) => {
    const numbered = (n: number) => join(dir, `understudy.${n}.log`);
    rmSync(numbered(keep), { force: true });
    for (let n = keep - 1; n >= 1; n -= 1) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
    renameSync(file.path, numbered(1));
  };
  return { sink: (level, line) => log[level](line), path, dir };
}
