import { packageVersion } from '../paths.js';

/** mlflow-mct's own version, from its package.json. */
export const PROGRAM_VERSION = packageVersion;
