// `arrange()`: impersonation windows side by side in a grid that fills the work area. Web apps
// are laid out for landscape screens, so the grid whose cells come closest to 4:3 wins.
import type { Bounds } from './window-host.ts';

const TARGET_ASPECT = 4 / 3;

function columnsFor(count: number, area: Bounds): number {
  let best = 1;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const aspect = area.width / columns / (area.height / rows);
    const score = Math.abs(Math.log(aspect / TARGET_ASPECT));
    if (score < bestScore - 1e-9) {
      best = columns;
      bestScore = score;
    }
  }
  return best;
}

/** Bounds for `count` windows, row by row; the last row's windows widen to fill it. No overlaps, no gaps. */
export function gridLayout(count: number, workArea: Bounds): Bounds[] {
  if (count <= 0) return [];
  const columns = columnsFor(count, workArea);
  const rows = Math.ceil(count / columns);
  const bounds: Bounds[] = [];
  for (let row = 0; row < rows; row += 1) {
    const inRow = Math.min(columns, count - row * columns);
    const top = workArea.y + Math.round((row * workArea.height) / rows);
    const bottom = workArea.y + Math.round(((row + 1) * workArea.height) / rows);
    for (let column = 0; column < inRow; column += 1) {
      const left = workArea.x + Math.round((column * workArea.width) / inRow);
      const right = workArea.x + Math.round(((column + 1) * workArea.width) / inRow);
      bounds.push({ x: left, y: top, width: right - left, height: bottom - top });
    }
  }
  return bounds;
}
