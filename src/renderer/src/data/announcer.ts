// One polite live region for outcomes worth hearing ("Exported 12 entries…", "Impersonation ended").
import { createStore } from './store.ts';

export interface Announcement {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
}

export const announcements = createStore<Announcement[]>([]);
let nextId = 1;

/** Shows and reads out a message for 8 seconds; returns its id, to dismiss it earlier. */
export function announce(message: string, tone: Announcement['tone'] = 'info'): number {
  const id = nextId++;
  announcements.set((list) => [...list.slice(-2), { id, message, tone }]);
  setTimeout(() => dismissAnnouncement(id), 8000);
  return id;
}

export function dismissAnnouncement(id: number): void {
  announcements.set((list) => list.filter((item) => item.id !== id));
}
