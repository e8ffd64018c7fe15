// Export goes through the OS save dialog: the renderer never chooses a path itself.
import { chmod, writeFile } from 'node:fs/promises';
import { app, dialog, type BrowserWindow } from 'electron';
import { exportDefaultPath } from '../export-location.ts';

/** `app.getPath` throws for a folder the platform does not have. */
function folder(name: 'documents' | 'downloads'): string | null {
  try {
    return app.getPath(name);
  } catch {
    return null;
  }
}

/** Saves next to the console window (never a customer pop-up that happens to have focus). */
export async function saveWithDialog(owner: BrowserWindow | null, suggestedName: string, content: string): Promise<string | null> {
  const defaultPath = exportDefaultPath(suggestedName, { documents: folder('documents'), downloads: folder('downloads'), home: app.getPath('home') });
  const options = { defaultPath, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  await writeFile(result.filePath, content, { encoding: 'utf8', mode: 0o600 });
  // `mode` applies only to a new file; an overwritten one keeps its old permissions otherwise.
  await chmod(result.filePath, 0o600);
  return result.filePath;
}
