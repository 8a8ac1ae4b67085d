import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** mlflow-mct's own version, from its package.json. */
export const PROGRAM_VERSION = (require('../../package.json') as { version: string }).version;
