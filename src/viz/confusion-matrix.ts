// @file Confusion-matrix heatmap: counts per (true, predicted) class with row-normalised shading.
import { ValueError } from '../errors.js';
import { document, esc, mix } from './svg.js';

export interface ConfusionMatrixOptions {
  /** matrix[t][p] = number of samples of true class t predicted as p. */
  matrix: readonly (readonly number[])[];
  labels?: readonly string[];
  title?: string;
}

/**
 * Renders a confusion matrix: rows are true classes, columns predicted classes; each cell shows its count and
 * is shaded by the fraction of its row (so recall per class reads along the diagonal).
 */
export function confusionMatrixSvg(options: ConfusionMatrixOptions): string {
  const { matrix } = options;
  const k = matrix.length;
  if (k === 0 || matrix.some((row) => row.length !== k)) {
    throw new ValueError(
      'confusionMatrixSvg',
      `matrix must be square and non-empty, got ${k} rows of lengths [${matrix.map((r) => r.length).join(', ')}]`,
    );
  }
  const labels = options.labels ?? Array.from({ length: k }, (_, i) => String(i));
  const cell = Math.max(28, Math.min(60, Math.floor(480 / k)));
  const labelWidth = Math.min(140, 12 + 7 * Math.max(...labels.map((l) => l.length)));
  const left = labelWidth + 40;
  const top = (options.title ? 50 : 20) + 30;
  const width = left + k * cell + 30;
  const height = top + k * cell + labelWidth + 30;
  const body: string[] = [];
  matrix.forEach((row, t) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    row.forEach((count, p) => {
      const share = count / total;
      const fill = mix('#ffffff', t === p ? '#2b7a3d' : '#c0392b', Math.sqrt(share));
      const x = left + p * cell;
      const y = top + t * cell;
      body.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"/>`);
      body.push(
        `<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="${cell > 40 ? 13 : 10}" text-anchor="middle" dominant-baseline="middle" fill="${share > 0.5 ? '#fff' : '#222'}">${count}</text>`,
      );
    });
    body.push(
      `<text x="${left - 6}" y="${top + t * cell + cell / 2}" font-size="12" text-anchor="end" dominant-baseline="middle" fill="#222">${esc(labels[t]!)}</text>`,
    );
  });
  labels.forEach((label, p) => {
    const x = left + p * cell + cell / 2;
    const y = top + k * cell + 8;
    body.push(
      `<text x="${x}" y="${y}" font-size="12" text-anchor="end" dominant-baseline="middle" fill="#222" transform="rotate(-45 ${x} ${y})">${esc(label)}</text>`,
    );
  });
  body.push(
    `<text x="${left + (k * cell) / 2}" y="${top - 12}" font-size="13" text-anchor="middle" fill="#222">predicted</text>`,
  );
  body.push(
    `<text x="16" y="${top + (k * cell) / 2}" font-size="13" text-anchor="middle" fill="#222" transform="rotate(-90 16 ${top + (k * cell) / 2})">true class</text>`,
  );
  return document(width, height, body.join('\n'), options.title);
}
