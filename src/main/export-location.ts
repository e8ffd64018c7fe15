// Where the export dialog opens: the user's Documents folder, else Downloads, else home, with the
// suggested file name. A bare name would open in the process's working directory, which for an
// installed app is wherever it was launched from (often `/` or the install folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface UserFolders {
  documents: string | null;
  downloads: string | null;
  home: string;
}

export function exportDefaultPath(fileName: string, folders: UserFolders, exists: (path: string) => boolean = existsSync): string {
  const folder = [folders.documents, folders.downloads].find((candidate): candidate is string => Boolean(candidate) && exists(candidate!)) ?? folders.home;
  return join(folder, fileName);
}
