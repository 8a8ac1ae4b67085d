import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { defineCommand, fullName, specOf } from './define.js';
import { ENV } from './environment.js';
import type { FlagSpec } from './flags.js';

/**
 * Shell completion scripts, generated from the commands and their flag specs, so that they
 * complete exactly what `--help` lists.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What a flag's value completes with: nothing (no value), a fixed list, files, directories, or free text. */
type ValueKind = { kind: 'none' } | { kind: 'choices'; choices: readonly string[] } | { kind: 'file' } | { kind: 'directory' } | { kind: 'text' };

interface CompletedFlag {
  names: string[];
  description: string;
  value: ValueKind;
}

interface CompletedCommand {
  /** `card render`; empty for the program itself. */
  path: string;
  description: string;
  subcommands: string[];
  flags: CompletedFlag[];
}

const PROGRAM = 'mlflow-mct';
const VERSION_AND_HELP: CompletedFlag[] = [
  { names: ['-V', '--version'], description: "print mlflow-mct's version", value: { kind: 'none' } },
  { names: ['-h', '--help'], description: 'display help for command', value: { kind: 'none' } },
];

function valueOf(flag: FlagSpec): ValueKind {
  if (flag.choices) return { kind: 'choices', choices: flag.choices };
  if (flag.completes) return { kind: flag.completes };
  return /[<[]/.test(flag.flags) ? { kind: 'text' } : { kind: 'none' };
}

function completedFlag(flag: FlagSpec): CompletedFlag {
  const names = (flag.flags.match(/(?:^|[ ,])(-{1,2}[\w-]+)/g) ?? []).map((name) => name.replace(/^[ ,]+/, ''));
  return { names, description: flag.description, value: valueOf(flag) };
}

function commandsOf(command: Command): CompletedCommand[] {
  const spec = specOf(command);
  const own: CompletedCommand = {
    path: fullName(command),
    description: command.description(),
    subcommands: command.commands.map((child) => child.name()),
    flags: [...(spec?.flags.filter((flag) => flag.retired === undefined).map(completedFlag) ?? []), ...VERSION_AND_HELP],
  };
  return [own, ...command.commands.flatMap(commandsOf)];
}

function words(list: readonly string[]): string {
  return list.join(' ');
}

function bashValueCase(command: CompletedCommand): string[] {
  return command.flags.flatMap((flag) => {
    const value = flag.value;
    if (value.kind === 'none') return [];
    const answer = value.kind === 'choices' ? `choices:${words(value.choices)}` : value.kind;
    return [`    ${JSON.stringify(`${command.path}|${flag.names.at(-1)}`)}) echo ${JSON.stringify(answer)} ;;`];
  });
}

/** Bash: `complete -F`, walking the typed words down the command tree. */
function bashScript(commands: readonly CompletedCommand[]): string {
  const subcommandCases = commands.filter((command) => command.subcommands.length > 0).map((command) => `    ${JSON.stringify(command.path)}) echo ${JSON.stringify(words(command.subcommands))} ;;`);
  const flagCases = commands.map((command) => `    ${JSON.stringify(command.path)}) echo ${JSON.stringify(words(command.flags.flatMap((flag) => flag.names)))} ;;`);
  return `# ${PROGRAM} completion for bash: source it, or save it as /etc/bash_completion.d/${PROGRAM}
_mlflow_mct_subcommands() {
  case "$1" in
${subcommandCases.join('\n')}
  esac
}
_mlflow_mct_flags() {
  case "$1" in
${flagCases.join('\n')}
  esac
}
_mlflow_mct_value() {
  case "$1|$2" in
${commands.flatMap(bashValueCase).join('\n')}
  esac
}
_mlflow_mct() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i value
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ " $(_mlflow_mct_subcommands "$path") " == *" $word "* ]]; then path="\${path:+$path }$word"; fi
  done
  value="$(_mlflow_mct_value "$path" "\${COMP_WORDS[COMP_CWORD-1]}")"
  case "$value" in
    choices:*) COMPREPLY=($(compgen -W "\${value#choices:}" -- "$cur")); return ;;
    file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    directory) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    text) COMPREPLY=(); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_mlflow_mct_flags "$path")" -- "$cur"))
  elif [[ -n "$(_mlflow_mct_subcommands "$path")" ]]; then
    COMPREPLY=($(compgen -W "$(_mlflow_mct_subcommands "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _mlflow_mct ${PROGRAM}
`;
}

/** Zsh runs the bash completion through bashcompinit. */
function zshScript(commands: readonly CompletedCommand[]): string {
  return `#compdef ${PROGRAM}
# ${PROGRAM} completion for zsh: source it from ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands)}`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The fish condition that the words typed so far are exactly `path` (and no deeper command). */
function fishCondition(command: CompletedCommand): string {
  if (command.path === '') return '__fish_use_subcommand';
  const parts = command.path.split(' ').map((word) => `__fish_seen_subcommand_from ${word}`);
  const deeper = command.subcommands.length > 0 ? [`not __fish_seen_subcommand_from ${words(command.subcommands)}`] : [];
  return [...parts, ...deeper].join('; and ');
}

function fishScript(commands: readonly CompletedCommand[]): string {
  const lines = [`# ${PROGRAM} completion for fish: save it as ~/.config/fish/completions/${PROGRAM}.fish`, `complete -c ${PROGRAM} -f`];
  const byPath = new Map(commands.map((command) => [command.path, command]));
  for (const command of commands) {
    const condition = fishQuote(fishCondition(command));
    for (const name of command.subcommands) {
      const child = byPath.get(command.path ? `${command.path} ${name}` : name);
      lines.push(`complete -c ${PROGRAM} -n ${condition} -a ${name} -d ${fishQuote(child?.description.split('. ')[0] ?? '')}`);
    }
    for (const flag of command.flags) {
      const names = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
      const value =
        flag.value.kind === 'choices' ? ` -x -a ${fishQuote(words(flag.value.choices))}` : flag.value.kind === 'file' ? ' -r -F' : flag.value.kind === 'directory' ? " -x -a '(__fish_complete_directories)'" : flag.value.kind === 'text' ? ' -x' : '';
      lines.push(`complete -c ${PROGRAM} -n ${condition} ${names}${value} -d ${fishQuote(flag.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(program: Command, shell: Shell): string {
  const commands = commandsOf(program);
  return shell === 'bash' ? bashScript(commands) : shell === 'zsh' ? zshScript(commands) : fishScript(commands);
}

export function registerCompletion(program: Command): void {
  defineCommand(
    program,
    {
      name: 'completion <shell>',
      description: `Print a shell completion script for ${SHELLS.join(', ')}, for the commands and flags of this version.`,
      flags: [],
      examples: ['mlflow-mct completion bash > /etc/bash_completion.d/mlflow-mct', 'source <(mlflow-mct completion zsh)', 'mlflow-mct completion fish > ~/.config/fish/completions/mlflow-mct.fish'],
      exitCodes: { 2: `the shell is not one of ${SHELLS.join(', ')}` },
      environment: ENV.local,
    },
    async (_context, shell) => {
      if (!(SHELLS as readonly string[]).includes(shell as string)) {
        throw new UsageError(`no completion for shell "${shell}"`, { hint: `use one of ${SHELLS.join(', ')}` });
      }
      process.stdout.write(completionScript(program, shell as Shell));
    },
  );
}
