import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The adversarial corpus written by tests/fixtures/pickle/adversarial.py, and its manifest. */

const ADVERSARIAL = fileURLToPath(new URL('../fixtures/pickle/adversarial/', import.meta.url));

export interface AdversarialEntry {
  file: string;
  size: number;
  sha256: string;
  kind: 'malicious' | 'legit' | 'resource';
  category?: string;
  /** How its users load it (tests/pickle/canary_load.py). */
  loader?: string;
  marker?: string;
  member?: string;
  container?: string;
  /** Malicious files the inspector refuses to read rather than report on (fail closed). */
  error?: string;
  inflated?: number;
}

export const adversarial = JSON.parse(readFileSync(join(ADVERSARIAL, 'manifest.json'), 'utf8')) as {
  generatedWith: Record<string, string>;
  fixtures: AdversarialEntry[];
};

export function adversarialPath(name: string): string {
  return join(ADVERSARIAL, name);
}

export function adversarialOfKind(kind: AdversarialEntry['kind']): AdversarialEntry[] {
  return adversarial.fixtures.filter((entry) => entry.kind === kind);
}
