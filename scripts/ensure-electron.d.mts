export function electronPackageDir(env?: Record<string, string | undefined>): string;
export function isElectronBinaryPresent(packageDir: string): boolean;
export function setupDecision(input: { present: boolean; env: Record<string, string | undefined> }): 'ready' | 'skipped' | 'install';
export const SKIPPED_MESSAGE: string;
