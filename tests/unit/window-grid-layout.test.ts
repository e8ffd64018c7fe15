import { describe, expect, it } from 'vitest';
import { gridLayout } from '../../src/main/impersonation/grid-layout.ts';
import type { Bounds } from '../../src/main/impersonation/window-host.ts';

const screen: Bounds = { x: 0, y: 25, width: 1920, height: 1055 };

const area = (b: Bounds) => b.width * b.height;
const overlaps = (a: Bounds, b: Bounds) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('gridLayout', () => {
  it('has nothing to lay out for no window', () => {
    expect(gridLayout(0, screen)).toEqual([]);
  });

  it('gives one window the whole work area', () => {
    expect(gridLayout(1, screen)).toEqual([screen]);
  });

  it('puts two windows side by side on a landscape screen', () => {
    expect(gridLayout(2, screen)).toEqual([
      { x: 0, y: 25, width: 960, height: 1055 },
      { x: 960, y: 25, width: 960, height: 1055 },
    ]);
  });

  it('stacks two windows on a portrait screen', () => {
    const portrait = { x: 0, y: 0, width: 1080, height: 1920 };
    const [top, bottom] = gridLayout(2, portrait);
    expect(top).toEqual({ x: 0, y: 0, width: 1080, height: 960 });
    expect(bottom).toEqual({ x: 0, y: 960, width: 1080, height: 960 });
  });

  it('widens the last row so the grid has no hole', () => {
    const bounds = gridLayout(3, screen);
    expect(bounds).toHaveLength(3);
    const lastRow = bounds.filter((b) => b.y === bounds[2]!.y);
    expect(lastRow.reduce((sum, b) => sum + b.width, 0)).toBe(screen.width);
  });

  for (const count of [2, 3, 4, 5, 6, 7, 9, 12]) {
    it(`tiles ${count} windows exactly: inside the area, no overlap, no gap`, () => {
      const bounds = gridLayout(count, screen);
      expect(bounds).toHaveLength(count);
      for (const b of bounds) {
        expect(Number.isInteger(b.x) && Number.isInteger(b.y) && Number.isInteger(b.width) && Number.isInteger(b.height)).toBe(true);
        expect(b.x).toBeGreaterThanOrEqual(screen.x);
        expect(b.y).toBeGreaterThanOrEqual(screen.y);
        expect(b.x + b.width).toBeLessThanOrEqual(screen.x + screen.width);
        expect(b.y + b.height).toBeLessThanOrEqual(screen.y + screen.height);
        expect(b.width).toBeGreaterThan(0);
      }
      for (let i = 0; i < bounds.length; i += 1) for (let j = i + 1; j < bounds.length; j += 1) expect(overlaps(bounds[i]!, bounds[j]!)).toBe(false);
      expect(bounds.reduce((sum, b) => sum + area(b), 0)).toBe(area(screen));
    });
  }
});
