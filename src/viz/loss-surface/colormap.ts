// @file viridis: a perceptually uniform colour map (van der Walt and Smith, matplotlib 2.0), dark blue → yellow.

/** viridis at t = 0, 1/8, …, 1 (matplotlib's values); between stops the RGB components are interpolated linearly. */
const VIRIDIS_STOPS = [
  '#440154',
  '#472c7a',
  '#3b518b',
  '#2c718e',
  '#21908d',
  '#27ad81',
  '#5cc863',
  '#aadc32',
  '#fde725',
];

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

const STOPS_RGB = VIRIDIS_STOPS.map(rgb);

/**
 * The viridis colour of t ∈ [0, 1] (clamped) as '#rrggbb'. Its lightness rises monotonically and evenly from
 * dark (low values) to light (high values), so equal steps of the value look like equal steps of colour, and it
 * stays readable in greyscale and for the common colour-vision deficiencies.
 */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS_RGB.length - 1);
  const k = Math.min(STOPS_RGB.length - 2, Math.floor(u));
  const [a, b] = [STOPS_RGB[k]!, STOPS_RGB[k + 1]!];
  const f = u - k;
  return `#${a
    .map((x, i) =>
      Math.round(x + (b[i]! - x) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
