#!/usr/bin/env node
/**
 * The `mlflow-mct` executable: the bundled CLI when the build made one (see bundle.ts), else the
 * same CLI from its modules (a build by `tsc` alone).
 */
import { loadBundledCli } from './bundle.js';

const cli = loadBundledCli()?.cli ?? (await import('./run.js'));
await cli.startCli(process.argv.slice(2));
