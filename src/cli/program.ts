import { Command } from 'commander';
import { createRequire } from 'node:module';
import { registerApiCard } from './api-card.js';
import { registerCard } from './card.js';
import { registerInspect } from './inspect.js';
import { registerLegacyCard } from './legacy-card.js';
import { registerModels } from './models.js';
import { registerPush } from './push.js';
import { registerRegisterGenerative } from './register-generative.js';
import { registerTrainPenguins } from './train-penguins.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('mlflow-mct')
    .description('Train, track, register and document models on MLflow, with Model Card Toolkit-compatible cards.')
    .version(version, '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError()
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  registerTrainPenguins(program);
  registerRegisterGenerative(program);
  registerLegacyCard(program);
  registerApiCard(program);
  registerCard(program);
  registerModels(program);
  registerInspect(program);
  registerPush(program);
  return program;
}
