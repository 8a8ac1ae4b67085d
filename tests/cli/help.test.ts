import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fullName, specOf } from '../../src/cli/define.js';
import { commandTree, buildProgram } from '../../src/cli/program.js';
import { runCli } from '../helpers/cli.js';

/** Every command with a spec (leaves such as `card validate`), by full name. */
const program = await buildProgram();
const commands = commandTree(program).filter((command) => specOf(command) !== undefined);
const names = commands.map(fullName);

/** The long flags a help text lists, e.g. `--out-dir <dir>`, in order. */
function listedFlags(help: string): string[] {
  const options = help.slice(help.indexOf('Options:'), help.indexOf('Examples:'));
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+(?: \S.*?)?)(?: {2}|$)/gm)].map((match) => match[1] as string);
}

/** Commands that write no file into an output directory (predict writes the one file -o names), and those that change nothing in MLflow. */
const WRITES_NOTHING = ['card validate', 'card check', 'inspect', 'models list', 'models versions', 'models show', 'models promote', 'models alias delete', 'push', 'serve', 'predict', 'completion'];
const CHANGES_NOTHING = ['card validate', 'card check', 'card render', 'card export', 'inspect', 'models list', 'models versions', 'models show', 'completion'];

describe('every command help', () => {
  const helps = new Map(names.map((name) => [name, runCli([...name.split(' '), '--help'])]));

  it.each(names)('%s: examples, exit codes, environment, one default format', (name) => {
    const help = helps.get(name);
    expect(help?.code).toBe(0);
    const text = help?.stdout ?? '';
    expect(text).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ mlflow-mct ${name}`));
    expect(text).toMatch(/\nExit codes:\n {2}0 +success\n {2}1 +runtime failure.*\n {2}2 +bad usage or bad input/);
    expect(text).toMatch(/\nEnvironment:\n(?: {2}[A-Z_]+ +.+\n)*? {2}NO_COLOR /);
    expect(text).toContain('-V, --version');
    // Defaults read "(default: X)" only; commander's quoted "default: \"X\"" never appears.
    expect(text).not.toMatch(/\(default [^:]|default: "/);
    const spec = specOf(commands[names.indexOf(name)]!);
    expect(listedFlags(text)).toEqual(['--version', ...(spec?.flags.filter((flag) => flag.retired === undefined).map((flag) => flag.flags.replace(/^-\w, /, '')) ?? []), '--help']);
  });

  it.each(names.filter((name) => listedFlags(helps.get(name)?.stdout ?? '').includes('--mlflow-uri <uri>')))('%s names the MLflow connection and retry variables', (name) => {
    const text = helps.get(name)?.stdout ?? '';
    for (const variable of ['MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN', 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 'MLFLOW_HTTP_REQUEST_TIMEOUT']) {
      expect(text).toContain(`  ${variable} `);
    }
  });

  it('uses one vocabulary: a flag has one form everywhere, and retired spellings are not listed', () => {
    const forms = new Map<string, Set<string>>();
    for (const name of names) {
      for (const flag of listedFlags(helps.get(name)?.stdout ?? '')) {
        const long = flag.split(' ')[0] as string;
        forms.set(long, new Set([...(forms.get(long) ?? []), flag]));
      }
    }
    for (const [long, seen] of forms) expect([long, [...seen]]).toEqual([long, [...seen].slice(0, 1)]);
    for (const retired of ['--registered-name', '--mlflow-model-version', '--version <', '--strict ']) {
      // --strict (warnings become failures) lives on in legacy-card and card validate; inspect retired it.
      const keeps = (candidate: string) => retired === '--strict ' && ['legacy-card', 'card validate'].includes(candidate);
      for (const name of names.filter((candidate) => !keeps(candidate))) expect(helps.get(name)?.stdout).not.toContain(retired);
    }
  });

  it('lists --out-dir only where files are written and --dry-run only where something could be sent or recorded', () => {
    for (const name of names) {
      const flags = listedFlags(helps.get(name)?.stdout ?? '');
      expect([name, flags.includes('--out-dir <dir>')]).toEqual([name, !WRITES_NOTHING.includes(name)]);
      expect([name, flags.includes('--dry-run')]).toEqual([name, !CHANGES_NOTHING.includes(name)]);
      if (name !== 'completion') for (const shared of ['--json', '--verbose']) expect([name, flags.includes(shared)]).toEqual([name, true]);
    }
  });

  it('says in every --dry-run what is still written locally', () => {
    for (const name of names.filter((candidate) => !CHANGES_NOTHING.includes(candidate))) {
      const text = (helps.get(name)?.stdout ?? '').replace(/\s+/g, ' ');
      expect(text).toMatch(/--dry-run send nothing to MLflow or any network and record nothing; .*(writes|written)/);
    }
  });
});

describe('help topics', () => {
  it('help environment lists every variable the MLflow configuration reads', () => {
    const result = runCli(['help', 'environment']);
    expect(result.code).toBe(0);
    const read = new Set(readFileSync(new URL('../../src/mlflow/config.ts', import.meta.url), 'utf8').match(/'MLFLOW_[A-Z_]+'/g)?.map((name) => name.slice(1, -1)));
    expect(read.size).toBeGreaterThan(10);
    for (const variable of read) expect(result.stdout).toMatch(new RegExp(`^ {2}${variable} `, 'm'));
  });

  it('help exit-codes says what 1 means for inspect and train-penguins', () => {
    const result = runCli(['help', 'exit-codes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}inspect 1 +an import is suspicious or dangerous.*0 with --no-fail/m);
    expect(result.stdout).toMatch(/^ {2}train-penguins 1 +.*0 with --offline-ok/m);
  });

  it('help <command> is the command help, and an unknown topic is exit 2', () => {
    expect(runCli(['help', 'card', 'render']).stdout).toBe(runCli(['card', 'render', '--help']).stdout);
    const unknown = runCli(['help', 'colours']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mlflow-mct: error: there is no command or help topic "colours"/);
  });
});

describe('the README command reference', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| `mlflow-mct ([^`]+)` \| (.*) \|$/gm)].map((match) => ({
    command: (match[1] as string).replace(/ [<[].*$/, ''),
    flags: [...(match[2] as string).matchAll(/`([^`]+)`/g)].map((flag) => (flag[1] as string).replace(/\\\|/g, '|')),
  }));

  it('has a row for every command, with the flags its --help lists', () => {
    expect(rows.map((row) => row.command).sort()).toEqual([...names].sort());
    for (const row of rows) {
      const listed = listedFlags(runCli([...row.command.split(' '), '--help']).stdout).filter((flag) => flag !== '--version' && flag !== '--help');
      expect([row.command, row.flags]).toEqual([row.command, listed]);
    }
  });
});
