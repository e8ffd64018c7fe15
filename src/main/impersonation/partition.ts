// Every impersonation gets a partition of its own: in memory only (no `persist:` prefix, so
// nothing reaches the disk) and never handed out twice in this process, so no cookie, storage or
// cache of one impersonation can ever be seen by another, or by the console.
import { randomUUID } from 'node:crypto';

const PREFIX = 'understudy-impersonation-';
const issued = new Set<string>();

export function newPartitionName(): string {
  let name: string;
  do name = `${PREFIX}${randomUUID()}`;
  while (issued.has(name));
  issued.add(name);
  return name;
}

/** True for names this module hands out: in memory, and ours. */
export function isImpersonationPartition(name: string): boolean {
  return name.startsWith(PREFIX) && !name.startsWith('persist:');
}
