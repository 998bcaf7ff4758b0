// @file Contour geometry on a grid: bilinear sampling for the filled bands and marching-squares isolines.

/** Bilinear interpolation of `values[j][i]` (at grid points xs[i], ys[j]) at (x, y) inside the grid. */
export function bilinear(
  xs: readonly number[],
  ys: readonly number[],
  values: readonly number[][],
  x: number,
  y: number,
): number {
  const locate = (axis: readonly number[], v: number): [number, number] => {
    const n = axis.length - 1;
    const u = ((v - axis[0]!) / (axis[n]! - axis[0]!)) * n;
    const k = Math.min(n - 1, Math.max(0, Math.floor(u)));
    return [k, Math.min(1, Math.max(0, u - k))];
  };
  const [i, fx] = locate(xs, x);
  const [j, fy] = locate(ys, y);
  const v00 = values[j]![i]!;
  const v10 = values[j]![i + 1]!;
  const v01 = values[j + 1]![i]!;
  const v11 = values[j + 1]![i + 1]!;
  return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
}

/**
 * The isoline `level` of a grid as line segments [x1, y1, x2, y2] in grid coordinates (marching squares with
 * linear interpolation along cell edges; a saddle cell is resolved by its centre value). Cells with a
 * non-finite corner are skipped.
 */
export function isoline(
  xs: readonly number[],
  ys: readonly number[],
  values: readonly number[][],
  level: number,
): [number, number, number, number][] {
  const segments: [number, number, number, number][] = [];
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      // Corners counter-clockwise from bottom-left: (i, j), (i+1, j), (i+1, j+1), (i, j+1).
      const corners: [number, number, number][] = [
        [xs[i]!, ys[j]!, values[j]![i]!],
        [xs[i + 1]!, ys[j]!, values[j]![i + 1]!],
        [xs[i + 1]!, ys[j + 1]!, values[j + 1]![i + 1]!],
        [xs[i]!, ys[j + 1]!, values[j + 1]![i]!],
      ];
      if (!corners.every((c) => Number.isFinite(c[2]))) continue;
      const crossings: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const [ax, ay, av] = corners[e]!;
        const [bx, by, bv] = corners[(e + 1) % 4]!;
        if (av < level !== bv < level) {
          const t = (level - av) / (bv - av);
          crossings.push([ax + t * (bx - ax), ay + t * (by - ay)]);
        }
      }
      if (crossings.length === 2) {
        const [p, q] = crossings as [[number, number], [number, number]];
        segments.push([p[0], p[1], q[0], q[1]]);
      } else if (crossings.length === 4) {
        const centre = corners.reduce((s, c) => s + c[2], 0) / 4;
        // Corners 0 and 2 lie on one side, 1 and 3 on the other. If the centre is on 0's side, 0 and 2 are
        // joined through it and the lines cut off corner 1 (edges 0, 1) and corner 3 (edges 2, 3); otherwise
        // they cut off corner 0 (edges 3, 0) and corner 2 (edges 1, 2).
        const centreWithFirst = centre < level === corners[0]![2] < level;
        const [a, b, c, d] = crossings as [
          [number, number],
          [number, number],
          [number, number],
          [number, number],
        ];
        const pairs = centreWithFirst
          ? [
              [a, b],
              [c, d],
            ]
          : [
              [d, a],
              [b, c],
            ];
        for (const [p, q] of pairs as [number, number][][]) segments.push([p![0], p![1], q![0], q![1]]);
      }
    }
  }
  return segments;
}
