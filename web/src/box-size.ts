// @file Widths of the boxes the canvases fill, kept up to date by a ResizeObserver, so drawing a frame never
// reads layout (a clientWidth read after the text of the previous frame changed forces a synchronous layout).

const widths = new Map<HTMLElement, number>();
const listeners: (() => void)[] = [];
const observer =
  typeof ResizeObserver === 'undefined'
    ? null
    : new ResizeObserver((entries) => {
        let changed = false;
        for (const entry of entries) {
          const element = entry.target as HTMLElement;
          const width = element.clientWidth;
          if (widths.get(element) !== width) changed = true;
          widths.set(element, width);
        }
        if (changed) for (const listener of listeners) listener();
      });

/** The element's clientWidth as of the last layout (measured once, then reported by the observer). */
export function boxWidth(element: HTMLElement): number {
  if (!observer) return element.clientWidth;
  let width = widths.get(element);
  if (width === undefined) {
    width = element.clientWidth;
    widths.set(element, width);
    observer.observe(element);
  }
  return width;
}

/** Calls `listener` whenever an observed box changes width. */
export function onBoxResize(listener: () => void): void {
  listeners.push(listener);
}
