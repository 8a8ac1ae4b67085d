import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { helpSections, type EnvironmentVariable, type ExitMeanings } from './environment.js';
import type { FlagSpec } from './flags.js';
import { Reporter, warningLine, type GlobalOptions } from './output.js';
import { PROGRAM_VERSION } from './version.js';

/** A command as data: what it is, the flags it honours, and the sections of its help. */
export interface CommandSpec {
  /** The name and its arguments, e.g. `validate <file>`. */
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly string[];
  /** What exit 1 and 2 mean for this command, when more than the general meaning. */
  readonly exitCodes?: ExitMeanings;
  readonly environment: readonly EnvironmentVariable[];
}

export interface CommandContext<Flags> {
  /** The parsed flags, by commander attribute name (`--out-dir` is `outDir`). */
  readonly flags: Flags;
  readonly options: GlobalOptions;
  readonly reporter: Reporter;
}

const specs = new WeakMap<Command, CommandSpec>();

/** The spec a command was defined from; undefined for groups such as `card`. */
export function specOf(command: Command): CommandSpec | undefined {
  return specs.get(command);
}

/** `card validate` for the command `validate` under `card`. */
export function fullName(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** "(one of: en, es; default: en)": choices and defaults read one way in every help. */
export function describeOption(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`one of: ${option.argChoices.join(', ')}`);
  const defaultShown = option.defaultValueDescription ?? (option.defaultValue === undefined || typeof option.defaultValue === 'boolean' ? undefined : String(option.defaultValue));
  if (defaultShown !== undefined) extra.push(`default: ${defaultShown}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
}

function optionOf(flag: FlagSpec): Option {
  const option = new Option(flag.flags, flag.description);
  if (flag.choices) option.choices(flag.choices);
  if (flag.parse) option.argParser(flag.parse);
  if (flag.default !== undefined) option.default(flag.default);
  if (flag.defaultText !== undefined) option.defaultValueDescription = flag.defaultText;
  if (flag.retired !== undefined) option.hideHelp();
  return option;
}

/** Adds a flag, its former spellings (hidden, with a deprecation note) and its retirement note. */
function addFlag(command: Command, flag: FlagSpec, noteOnce: (note: string) => void): void {
  const option = optionOf(flag);
  command.addOption(option);
  if (flag.retired !== undefined) command.on(`option:${option.name()}`, () => noteOnce(`${option.long} ${flag.retired}`));
  for (const former of flag.formerly ?? []) {
    const alias = new Option(flag.flags.replace(option.long as string, former)).hideHelp();
    command.addOption(alias);
    command.on(`option:${alias.name()}`, (value: string | undefined) => {
      noteOnce(`${former} is deprecated; use ${option.long}`);
      const target = option.attributeName();
      let parsed: unknown = value;
      if (value !== undefined && option.parseArg) {
        try {
          parsed = option.parseArg(value, command.getOptionValue(target));
        } catch (error) {
          if (!(error instanceof InvalidArgumentError)) throw error;
          command.error(`option '${alias.flags}' argument '${value}' is invalid. ${error.message}`, { exitCode: 2, code: error.code });
        }
      }
      command.setOptionValueWithSource(target, parsed, 'cli');
    });
  }
}

function globalOptionsOf(flags: Record<string, unknown>): GlobalOptions {
  return {
    outDir: resolve(String(flags.outDir ?? '.')),
    json: flags.json === true,
    dryRun: flags.dryRun === true,
    verbose: flags.verbose === true,
    quiet: flags.quiet === true,
  };
}

/** A command group such as `card` or `models`: subcommands, help and the program's version. */
export function defineGroup(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).version(PROGRAM_VERSION, '-V, --version', "print mlflow-mct's version");
}

function examplesSection(lines: readonly string[]): string {
  return ['Examples:', ...lines.map((line) => `  $ ${line}`)].join('\n');
}

/**
 * Adds a command from its spec. The action gets the parsed flags, the global options and a
 * reporter, then the command's arguments.
 */
export function defineCommand<Flags = Record<string, unknown>>(
  parent: Command,
  spec: CommandSpec,
  action: (context: CommandContext<Flags>, ...args: string[]) => Promise<void>,
): Command {
  const command = parent.command(spec.name).description(spec.description).version(PROGRAM_VERSION, '-V, --version', "print mlflow-mct's version");
  const notes = new Set<string>();
  const noteOnce = (note: string) => {
    if (notes.has(note)) return;
    notes.add(note);
    process.stderr.write(warningLine(note));
  };
  for (const flag of spec.flags) addFlag(command, flag, noteOnce);
  command.addHelpText('after', `\n${examplesSection(spec.examples)}\n\n${helpSections(spec.exitCodes ?? {}, spec.environment)}\n`);
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const flags = self.opts();
    const options = globalOptionsOf(flags);
    const reporter = new Reporter({ ...options, command: fullName(self) });
    await action({ flags: flags as Flags, options, reporter }, ...(received.slice(0, -2) as string[]));
  });
  specs.set(command, spec);
  return command;
}
