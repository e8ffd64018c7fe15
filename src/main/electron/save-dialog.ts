// Export goes through the OS save dialog: the renderer never chooses a path itself.
import { writeFile } from 'node:fs/promises';
import { BrowserWindow, dialog } from 'electron';

export async function saveWithDialog(suggestedName: string, content: string): Promise<string | null> {
  const owner = BrowserWindow.getFocusedWindow();
  const options = { defaultPath: suggestedName, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  await writeFile(result.filePath, content, { encoding: 'utf8', mode: 0o600 });
  return result.filePath;
}
