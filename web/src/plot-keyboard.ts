// @file Adding points from the keyboard: the plot takes focus, the arrow keys move a crosshair over the data
// domain (a twentieth of it per press, a hundredth with Shift), and Enter or Space adds a point there, as a click
// does. Where the cursor is, and what Enter does, is announced through the plot's description.
import type { Domain } from './data.js';

/** Steps per domain width for one arrow press (without and with Shift). */
const STEPS = { coarse: 20, fine: 100 } as const;

export interface PlotKeyboard {
  /** The cursor position, null while the plot does not have focus. */
  readonly cursor: { x: number; y: number } | null;
}

export interface PlotKeyboardOptions {
  domain(): Domain | null;
  /** Whether points can be added now (not for a regression). */
  enabled(): boolean;
  /** Adds a point at (x, y), as a click on the plot does. */
  add(x: number, y: number): void;
  /** The cursor moved, appeared or disappeared: redraw, and announce `text`. */
  changed(cursor: { x: number; y: number } | null, text: string): void;
}

/** One cursor coordinate moved by `steps` steps, kept inside [min, max]. */
export function stepCoordinate(value: number, min: number, max: number, steps: number, per: number): number {
  return Math.min(max, Math.max(min, value + (steps * (max - min)) / per));
}

function format(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** Makes `canvas` focusable and binds the keys; the cursor starts at the centre of the domain. */
export function bindPlotKeyboard(canvas: HTMLCanvasElement, options: PlotKeyboardOptions): PlotKeyboard {
  const state: { cursor: { x: number; y: number } | null } = { cursor: null };
  canvas.tabIndex = 0;
  const announce = (): void => {
    const c = state.cursor;
    options.changed(
      c,
      c && options.enabled() ? `Cursor at (${format(c.x)}, ${format(c.y)}); Enter adds a point there.` : '',
    );
  };
  canvas.addEventListener('focus', () => {
    const d = options.domain();
    if (!d || !options.enabled()) return;
    state.cursor ??= { x: (d.xMin + d.xMax) / 2, y: (d.yMin + d.yMax) / 2 };
    announce();
  });
  canvas.addEventListener('blur', () => {
    state.cursor = null;
    announce();
  });
  canvas.addEventListener('keydown', (event) => {
    const d = options.domain();
    const c = state.cursor;
    if (!d || !c || !options.enabled()) return;
    const per = event.shiftKey ? STEPS.fine : STEPS.coarse;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    const move = moves[event.key];
    if (move) {
      state.cursor = {
        x: stepCoordinate(c.x, d.xMin, d.xMax, move[0], per),
        y: stepCoordinate(c.y, d.yMin, d.yMax, move[1], per),
      };
      announce();
    } else if (event.key === 'Enter' || event.key === ' ') {
      options.add(c.x, c.y);
    } else return;
    event.preventDefault();
  });
  return state;
}
