/** Linear value scales with round tick values a reader can take in at a glance. */

export interface LinearScale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  /** Decimals a tick needs ("0.2": 1, "0.05": 2, "25": 0). */
  readonly decimals: number;
  /** The x of `value` on an axis drawn from `left` over `width` pixels. */
  at(value: number, left: number, width: number): number;
}

const TARGET_TICKS = 5;

/**
 * A scale covering `low`..`high`, widened to round ticks. Bars need 0 in the domain, so pass
 * low = 0 for them; dots and intervals may start elsewhere, and `ceiling` caps the top (1 for
 * scores, which cannot exceed it).
 */
export function linearScale(low: number, high: number, options: { ceiling?: number } = {}): LinearScale {
  const span = high > low ? high - low : Math.abs(high) || 1;
  const step = niceStep(span / TARGET_TICKS);
  let min = roundTo(Math.floor(low / step + 1e-9) * step, step);
  let max = roundTo(Math.ceil(high / step - 1e-9) * step, step);
  if (options.ceiling !== undefined && max > options.ceiling) max = options.ceiling;
  if (max <= min) max = roundTo(min + step, step);
  if (min > low) min = low;
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i += 1) ticks.push(roundTo(i * step, step));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return {
    min,
    max,
    ticks,
    decimals,
    at: (value, left, width) => left + ((value - min) / (max - min)) * width,
  };
}

/** The 1, 2 or 5 times a power of ten nearest above `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power - 1e-9;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Removes float noise (0.30000000000000004) so ticks land on exact values and labels. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step))) + 2;
  return Number(value.toFixed(decimals));
}
