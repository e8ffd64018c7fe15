import { describe, expect, it } from 'vitest';
import { isImpersonationPartition, newPartitionName } from '../../src/main/impersonation/partition.ts';

describe('newPartitionName', () => {
  it('is in memory: never a persist: partition', () => {
    const name = newPartitionName();
    expect(name.startsWith('persist:')).toBe(false);
    expect(name).not.toContain(':');
    expect(isImpersonationPartition(name)).toBe(true);
  });

  it('never hands out the same name twice', () => {
    const names = Array.from({ length: 5000 }, () => newPartitionName());
    expect(new Set(names).size).toBe(names.length);
  });

  it('is random, not a counter someone could predict', () => {
    const [a, b] = [newPartitionName(), newPartitionName()];
    const suffix = (name: string) => name.replace('understudy-impersonation-', '');
    expect(suffix(a)).toMatch(/^[0-9a-f-]{36}$/);
    expect(suffix(a)).not.toBe(suffix(b));
  });

  it('does not recognise the console session or persistent partitions as impersonation partitions', () => {
    expect(isImpersonationPartition('')).toBe(false);
    expect(isImpersonationPartition('persist:understudy-impersonation-x')).toBe(false);
    expect(isImpersonationPartition('understudy-banner')).toBe(false);
  });
});
