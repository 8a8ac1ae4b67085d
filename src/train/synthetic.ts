/**
 * Penguin-like data of any size, for benchmarks and scale tests: rows drawn from the real data's
 * per-species-and-sex measurement means and spreads, its island mix per species and its years.
 * Seeded, so the same call writes the same CSV.
 */
import { NUMERIC_COLUMNS, REQUIRED_COLUMNS, type PenguinDataset } from './data.js';
import { RandomState } from './random.js';

const MEASUREMENTS = NUMERIC_COLUMNS.filter((column) => column !== 'year');
/** Decimal places of each measurement in the canonical file. */
const DECIMALS: Record<(typeof MEASUREMENTS)[number], number> = { bill_length_mm: 1, bill_depth_mm: 1, flipper_length_mm: 0, body_mass_g: 0 };

interface Group {
  species: string;
  sex: 'female' | 'male';
  weight: number;
  mean: number[];
  std: number[];
  islands: { name: string; weight: number }[];
}

/** A CSV (penguins columns, LF line ends) of `rows` synthetic penguins modelled on `basis`. */
export function syntheticPenguinsCsv(basis: PenguinDataset, rows: number, seed: number): string {
  const groups = describeGroups(basis);
  const years = [...new Set(basis.X.map((row) => row[4]!))].sort();
  const rng = new RandomState(seed);
  const lines = [REQUIRED_COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const group = pick(groups, rng);
    const island = pick(group.islands, rng).name;
    const values = MEASUREMENTS.map((column, m) => (group.mean[m]! + group.std[m]! * gaussian(rng)).toFixed(DECIMALS[column]));
    const year = years[rng.interval(years.length - 1)]!;
    lines.push([group.species, island, ...values, group.sex, year].join(','));
  }
  return lines.join('\n') + '\n';
}

function describeGroups(basis: PenguinDataset): Group[] {
  const index = (name: string): number => basis.featureNames.indexOf(name);
  const islandOf = (row: readonly number[]): string => (row[index('island_Dream')] ? 'Dream' : row[index('island_Torgersen')] ? 'Torgersen' : 'Biscoe');
  const groups: Group[] = [];
  for (const species of basis.classes) {
    for (const sex of ['female', 'male'] as const) {
      const members = basis.X.filter((row, r) => basis.y[r] === species && (row[index('sex_male')] === 1) === (sex === 'male'));
      if (members.length < 2) continue;
      const columns = MEASUREMENTS.map((column) => members.map((row) => row[index(column)]!));
      const mean = columns.map((values) => values.reduce((a, b) => a + b, 0) / values.length);
      const std = columns.map((values, m) => Math.sqrt(values.reduce((sum, v) => sum + (v - mean[m]!) ** 2, 0) / (values.length - 1)));
      const islandCounts = new Map<string, number>();
      for (const row of members) islandCounts.set(islandOf(row), (islandCounts.get(islandOf(row)) ?? 0) + 1);
      const islands = [...islandCounts].sort(([a], [b]) => a.localeCompare(b)).map(([name, weight]) => ({ name, weight }));
      groups.push({ species, sex, weight: members.length, mean, std, islands });
    }
  }
  return groups;
}

function pick<T extends { weight: number }>(choices: readonly T[], rng: RandomState): T {
  const total = choices.reduce((sum, choice) => sum + choice.weight, 0);
  let draw = rng.nextDouble() * total;
  for (const choice of choices) {
    draw -= choice.weight;
    if (draw < 0) return choice;
  }
  return choices[choices.length - 1]!;
}

/** A standard normal draw (Box–Muller). */
function gaussian(rng: RandomState): number {
  const u = 1 - rng.nextDouble();
  const v = rng.nextDouble();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
