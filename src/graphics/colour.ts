/**
 * Colours for charts: chosen so a reader with any common colour-vision deficiency, or a
 * greyscale printout, can still read every chart.
 */

export type Rgb = readonly [red: number, green: number, blue: number];

const WHITE: Rgb = [255, 255, 255];
export const INK: Rgb = [33, 37, 41];
export const MUTED_INK: Rgb = [88, 96, 105];
export const AXIS: Rgb = [134, 142, 150];
export const GRID: Rgb = [222, 226, 230];
export const BAND: Rgb = [233, 236, 239];

/**
 * Okabe & Ito's palette ("Color Universal Design", 2008), in the order series take it: blue,
 * orange, bluish green, vermillion, reddish purple, sky blue, yellow. Black is left out, it is
 * the text colour.
 */
export const SERIES_COLOURS: readonly Rgb[] = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [213, 94, 0],
  [204, 121, 167],
  [86, 180, 233],
  [240, 228, 66],
];

/**
 * A light-to-dark single-hue blue ramp (ColorBrewer's "Blues", Cynthia Brewer, Apache-2.0) for
 * heatmaps. Lightness falls monotonically, so the order of cells reads the same without colour
 * vision and larger counts are always darker.
 */
const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [247, 251, 255],
  [222, 235, 247],
  [198, 219, 239],
  [158, 202, 225],
  [107, 174, 214],
  [66, 146, 198],
  [33, 113, 181],
  [8, 81, 156],
  [8, 48, 107],
];

/** The heatmap colour for `t` in [0, 1]: 0 is the lightest, 1 the darkest. */
export function sequentialColour(t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (SEQUENTIAL_STOPS.length - 1);
  const index = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(position));
  const fraction = position - index;
  const from = SEQUENTIAL_STOPS[index] ?? WHITE;
  const to = SEQUENTIAL_STOPS[index + 1] ?? WHITE;
  const mix = (a: number, b: number): number => Math.round(a + (b - a) * fraction);
  return [mix(from[0], to[0]), mix(from[1], to[1]), mix(from[2], to[2])];
}

export function seriesColour(index: number): Rgb {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? INK;
}

/**
 * WCAG relative luminance, 0 (black) to 1 (white).
 * @internal exported for its unit tests only
 */
export function relativeLuminance([red, green, blue]: Rgb): number {
  const linear = (channel: number): number => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

/** Dark text on light backgrounds, white on dark ones: whichever has the higher contrast ratio. */
export function textColourOn(background: Rgb): Rgb {
  const luminance = relativeLuminance(background);
  const contrastWithWhite = 1.05 / (luminance + 0.05);
  const contrastWithInk = (luminance + 0.05) / (relativeLuminance(INK) + 0.05);
  return contrastWithWhite > contrastWithInk ? WHITE : INK;
}

/** The colour as SVG writes it: "#0072b2". */
export function hex([red, green, blue]: Rgb): string {
  return `#${[red, green, blue].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}
