// How the wall lays out n leg tiles on a screen: columns and the pixel heights of each tile's drawings, so
// 1 to 12 legs fit anything from 1366×768 to 3840×2160 without scrolling. Pure.

export interface WallLayout {
  columns: number;
  rows: number;
  sparkHeight: number;
  stripHeight: number;
  /** narrow screens (phones) stack the tiles and may scroll vertically */
  stacked: boolean;
}

/** Below this width the wall is a phone's list, not a NOC screen. */
export const STACK_BELOW_PX = 700;

export function wallLayout(legs: number, viewport: { width: number; height: number }): WallLayout {
  const n = Math.max(1, legs);
  if (viewport.width < STACK_BELOW_PX) {
    return { columns: 1, rows: n, sparkHeight: 48, stripHeight: 16, stacked: true };
  }
  // As many columns as keep a tile at least ~300 px wide, and rows as square as the screen allows.
  const maxColumns = Math.max(1, Math.floor(viewport.width / 300));
  const columns = n <= 4 ? Math.min(n, maxColumns) : Math.min(maxColumns, Math.ceil(n / Math.ceil(n / 4)));
  const rows = Math.ceil(n / columns);
  // The tiles get about two thirds of the height (header and verdict take the rest).
  const tileHeight = (viewport.height * 0.62) / rows;
  return {
    columns,
    rows,
    sparkHeight: Math.round(Math.min(220, Math.max(20, tileHeight * 0.3))),
    stripHeight: Math.round(Math.min(40, Math.max(12, tileHeight * 0.08))),
    stacked: false,
  };
}
