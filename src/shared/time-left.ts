// How long something has left, written the same way in the console and in the impersonation
// banner, so an agent comparing the two sees the same clock.

/** `mm:ss`, minutes unbounded (`90:00`), never negative; a started second counts as a whole one. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}
