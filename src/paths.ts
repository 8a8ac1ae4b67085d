import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: this file is src/paths.ts when run from source and dist/paths.js when built,
 * so the root is one level up either way. Data ships beside src/ and dist/.
 */
const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
export const dataDir = join(packageRoot, 'data');

/** This package's version, from its package.json (one level above src/ and dist/, like data/). */
export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
