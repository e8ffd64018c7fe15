// Stands in for the `electron` module under Node (see vitest.config.ts). electron-store reads
// `app` and `ipcMain` from it; leaving them undefined makes it use the absolute `cwd` it is given.
export default {};
export const app = undefined;
export const ipcMain = undefined;
export const shell = undefined;
