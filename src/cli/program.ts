import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { describeOption, fullName, specOf } from './define.js';
import { environmentTopic, exitCodesTopic, type ExitMeanings } from './environment.js';
import { JSON_SCHEMA_VERSION } from './json-contract.js';
import { errorLine } from './output.js';
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

interface LazyCommand {
  name: string;
  /** The line the root --help shows; the command's own help has its full description. */
  summary: string;
  load: () => Promise<(program: Command) => void>;
}

const COMMANDS: readonly LazyCommand[] = [
  { name: 'train-penguins', summary: 'train, evaluate, record and document a random forest on Palmer Penguins', load: async () => (await import('./train-penguins.js')).registerTrainPenguins },
  { name: 'register-generative', summary: 'register a text-generation model in the Model Registry and write its card', load: async () => (await import('./register-generative.js')).registerRegisterGenerative },
  { name: 'legacy-card', summary: 'a Model Card for a model file never tracked in MLflow', load: async () => (await import('./legacy-card.js')).registerLegacyCard },
  { name: 'api-card', summary: 'a Model Card for a model used through an external API', load: async () => (await import('./api-card.js')).registerApiCard },
  { name: 'card', summary: 'validate, render and check cards, or build one from MLflow', load: async () => (await import('./card.js')).registerCard },
  { name: 'models', summary: 'the Model Registry: list, show, promote, aliases', load: async () => (await import('./models.js')).registerModels },
  { name: 'inspect', summary: 'what a pickle, joblib or PyTorch file holds, without loading it', load: async () => (await import('./inspect.js')).registerInspect },
  { name: 'push', summary: 'send a local store (./mlruns) to an MLflow server', load: async () => (await import('./push.js')).registerPush },
  { name: 'serve', summary: "serve a model over MLflow's scoring protocol (/invocations)", load: async () => (await import('./serve.js')).registerServe },
  { name: 'predict', summary: 'score a CSV or JSON file with a model, like mlflow models predict', load: async () => (await import('./predict.js')).registerPredict },
  { name: 'completion', summary: 'a shell completion script for bash, zsh or fish', load: async () => (await import('./completion.js')).registerCompletion },
];

/**
 * The commands `argv` runs: its first word (after `help`, the word after it). No word (the
 * program's --version or --help) needs none; `completion`, the help topics and an unknown word
 * (for its suggestion) need them all. Without `argv` (a program to inspect), all.
 */
function commandsToLoad(argv: readonly string[] | undefined): Set<string> | 'all' {
  if (argv === undefined) return 'all';
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  if (name === undefined) return new Set();
  return COMMANDS.some((command) => command.name === name && name !== 'completion') ? new Set([name]) : 'all';
}

/**
 * Every command below `command`, depth first.
 * @internal exported for its unit tests only
 */
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

export async function buildProgram(argv?: readonly string[]): Promise<Command> {
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

  // Each command's module (and what it imports: training, cards, the MLflow client) loads (in the
  // bundled CLI: initializes) only when that command runs; the others are listed by name and
  // summary, so --version and --help start fast.
  const wanted = commandsToLoad(argv);
  for (const command of COMMANDS) {
    if (wanted === 'all' || wanted.has(command.name)) (await command.load())(program);
    else program.command(command.name).summary(command.summary).allowUnknownOption().helpOption(false);
  }
  addHelpCommand(program);
  return program;
}
