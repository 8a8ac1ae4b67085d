import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { registerApiCard } from './api-card.js';
import { registerCard } from './card.js';
import { registerCompletion } from './completion.js';
import { describeOption, fullName, specOf } from './define.js';
import { environmentTopic, exitCodesTopic, type ExitMeanings } from './environment.js';
import { registerInspect } from './inspect.js';
import { JSON_SCHEMA_VERSION } from './json-contract.js';
import { registerLegacyCard } from './legacy-card.js';
import { registerModels } from './models.js';
import { errorLine } from './output.js';
import { registerPush } from './push.js';
import { registerRegisterGenerative } from './register-generative.js';
import { registerServe } from './serve.js';
import { registerTrainPenguins } from './train-penguins.js';
import { PROGRAM_VERSION } from './version.js';

function jsonTopic(): string {
  return [
    `With --json a command prints exactly one JSON document on stdout, version ${JSON_SCHEMA_VERSION} of its shape:`,
    '',
    `  "schema_version": "${JSON_SCHEMA_VERSION}"  changes only when a change could break a script`,
    '  "command"             the command, e.g. "card render"',
    '  "duration_ms"         how long the command took',
    '',
    'Keys are snake_case, as in MLflow\'s REST API; names chosen by you or MLflow (tags, params,',
    'metrics, hyperparameters) are kept as they are. The same things have the same names in every',
    'command: "files", "run_id", "dry_run". Each command\'s document is described by a JSON Schema',
    'shipped in the package: schemas/json/<command>.schema.json, e.g. card-render.schema.json.',
    'Progress, warnings and errors go to stderr.',
  ].join('\n');
}

/** Every command below `command`, depth first. */
export function commandTree(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...commandTree(child)]);
}

function exitMeanings(program: Command): Array<[string, ExitMeanings]> {
  return commandTree(program).flatMap((command) => {
    const spec = specOf(command);
    return spec?.exitCodes ? [[fullName(command), spec.exitCodes] as [string, ExitMeanings]] : [];
  });
}

const TOPICS = ['environment', 'exit-codes', 'json'] as const;

/** `mlflow-mct help [command...]` and `mlflow-mct help environment|exit-codes|json`. */
function addHelpCommand(program: Command): void {
  program.helpCommand(false);
  program
    .command('help [topic...]')
    .description(`show the help of a command, or a topic: ${TOPICS.join(', ')}`)
    .action((topic: string[]) => {
      const [first] = topic;
      if (first === 'environment') process.stdout.write(`${environmentTopic()}\n`);
      else if (first === 'exit-codes') process.stdout.write(`${exitCodesTopic(exitMeanings(program))}\n`);
      else if (first === 'json') process.stdout.write(`${jsonTopic()}\n`);
      else {
        let command: Command | undefined = program;
        for (const word of topic) command = command?.commands.find((child) => child.name() === word);
        if (!command) {
          throw new UsageError(`there is no command or help topic "${topic.join(' ')}"`, { hint: `run mlflow-mct --help for the commands; the topics are ${TOPICS.join(', ')}` });
        }
        command.outputHelp();
      }
    });
}

/**
 * Card commands once took `--version <name>` for the model version; `--version` is now
 * mlflow-mct's version everywhere, so a value after it is refused rather than silently ignored.
 */
export function refuseVersionValue(argv: readonly string[]): void {
  const at = argv.indexOf('--version');
  const next = argv[at + 1];
  if (at > 0 && !argv[0]?.startsWith('-') && next !== undefined && !next.startsWith('-')) {
    throw new UsageError(`--version prints mlflow-mct's version and takes no value ("${next}")`, { hint: `the model version is --model-version ${next}` });
  }
}

export function buildProgram(): Command {
  const program = new Command('mlflow-mct')
    .description('Train, track, register and document models on MLflow, with Model Card Toolkit-compatible cards.')
    .version(PROGRAM_VERSION, '-V, --version', "print mlflow-mct's version")
    .showSuggestionAfterError()
    .enablePositionalOptions()
    .exitOverride()
    .configureHelp({ optionDescription: describeOption })
    // One line per error, with our prefix, for commander's parsing errors too.
    .configureOutput({ outputError: (text, write) => write(errorLine(`${text.replace(/^error: /, '').trimEnd()} — run with --help for usage`)) })
    .addHelpText('after', `\nHelp topics: mlflow-mct help ${TOPICS.join(' | ')}; shell completion: mlflow-mct completion bash|zsh|fish\n`);

  registerTrainPenguins(program);
  registerRegisterGenerative(program);
  registerLegacyCard(program);
  registerApiCard(program);
  registerCard(program);
  registerModels(program);
  registerInspect(program);
  registerPush(program);
  registerCompletion(program);
  registerServe(program);
  addHelpCommand(program);
  return program;
}
