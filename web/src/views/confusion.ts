// @file The confusion matrix as a table: rows are true classes, columns predicted classes.
import { classColor, css } from './colors.js';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = '',
  className = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Renders counts[true][predicted] into `container`; each row is shaded by its share of the true class. */
export function renderConfusion(
  container: HTMLElement,
  counts: number[][],
  classNames: readonly string[],
  of: string,
): void {
  const table = el('table', '', 'confusion');
  const head = el('tr');
  head.append(el('th', 'true ↓  predicted →', 'corner'));
  classNames.forEach((name, c) => {
    const th = el('th');
    const swatch = el('span', '', 'swatch');
    swatch.style.background = css(classColor(c));
    th.append(swatch, document.createTextNode(name));
    head.append(th);
  });
  table.append(head);
  counts.forEach((row, t) => {
    const tr = el('tr');
    const th = el('th');
    const swatch = el('span', '', 'swatch');
    swatch.style.background = css(classColor(t));
    th.append(swatch, document.createTextNode(classNames[t] ?? `class ${t}`));
    tr.append(th);
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total > 0 ? count / total : 0;
      const td = el('td', String(count), t === p ? 'hit' : 'miss');
      const [r, g, b] = t === p ? classColor(t) : [214, 51, 56];
      td.style.background = `rgba(${r}, ${g}, ${b}, ${(0.08 + 0.6 * share).toFixed(3)})`;
      td.title = `${count} of ${total} ${classNames[t] ?? ''} points predicted as ${classNames[p] ?? ''}`;
      tr.append(td);
    });
    table.append(tr);
  });
  const caption = el('caption', `${of} set`);
  table.prepend(caption);
  container.replaceChildren(table);
}
