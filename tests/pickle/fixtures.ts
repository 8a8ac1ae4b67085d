import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The generated fixtures and the facts generate.py recorded about each. */

const FIXTURES = fileURLToPath(new URL('../fixtures/pickle/', import.meta.url));

export interface ModelFacts {
  class: string;
  library: string;
  version: string;
  hyperparameters: Record<string, unknown>;
  classes?: unknown[];
  nFeaturesIn?: number;
  featureNames?: string[];
  ensemble?: { estimatorCount: number; estimatorClass: string; trees: Array<{ depth: number; nodeCount: number }> };
  steps?: Array<ModelFacts & { name: string }>;
}

export interface FixtureEntry extends Partial<ModelFacts> {
  file: string;
  size: number;
  sha256: string;
  kind: 'model' | 'malicious' | 'invalid' | 'edge';
  container?: 'pickle' | 'joblib';
  compression?: string;
  protocol?: number;
  inspected?: boolean;
  marker?: string;
  dangerous?: string[];
  error?: string;
}

export const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as {
  generatedWith: Record<string, string>;
  fixtures: FixtureEntry[];
};

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(fixturePath(name));
}

export function fixturesOfKind(kind: FixtureEntry['kind']): FixtureEntry[] {
  return manifest.fixtures.filter((entry) => entry.kind === kind);
}
