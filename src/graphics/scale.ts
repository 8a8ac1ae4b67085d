/** Linear value scales starting at zero, with round tick values a reader can take in at a glance. */

export interface ZeroBasedScale {
  readonly max: number;
  readonly ticks: readonly number[];
  /** Formats a tick with as many decimals as the tick step needs ("0.2", "25", "0.05"). */
  formatTick(value: number): string;
}

const TARGET_TICKS = 5;

/**
 * A scale from 0 to `fixedMax` when given, else to the first round tick at or above `dataMax`
 * (or to 1 when every value is 0).
 */
export function zeroBasedScale(dataMax: number, fixedMax?: number): ZeroBasedScale {
  const span = fixedMax ?? (dataMax > 0 ? dataMax : 1);
  const step = niceStep(span / TARGET_TICKS);
  // The epsilon keeps 0.30000000000000004 on a 0.3 axis; Math.max keeps the data inside it.
  const max = fixedMax ?? Math.max(roundTo(Math.ceil(span / step - 1e-9) * step, step), span);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i += 1) ticks.push(roundTo(i * step, step));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { max, ticks, formatTick: (value) => value.toFixed(decimals) };
}

/** The 1, 2 or 5 times a power of ten nearest above `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power - 1e-9;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Removes float noise (0.30000000000000004) so ticks land on exact pixels and labels. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step))) + 2;
  return Number(value.toFixed(decimals));
}

/** Integers as they are ("12"), anything else with three decimals ("0.412"). */
export function defaultValueFormat(values: readonly number[]): (value: number) => string {
  return values.every(Number.isInteger) ? (value) => String(value) : (value) => value.toFixed(3);
}
