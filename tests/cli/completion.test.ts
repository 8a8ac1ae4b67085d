import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const bashScript = runCli(['completion', 'bash']).stdout;
const scriptFile = join(tempDir(), 'mlflow-mct.bash');
writeFileSync(scriptFile, bashScript);

/** What bash offers after typing `words` (the last one being completed). */
function complete(...words: string[]): string[] {
  const line = ['mlflow-mct', ...words];
  const script = `source ${JSON.stringify(scriptFile)}; COMP_WORDS=(${line.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _mlflow_mct; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: tempDir() });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

/** The long flags a help text lists. */
function helpFlags(help: string): string[] {
  const options = help.slice(help.indexOf('Options:'), help.indexOf('Examples:'));
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1] as string);
}

describe('mlflow-mct completion', () => {
  it('prints a bash script that bash accepts', () => {
    const result = spawnSync('bash', ['-n', scriptFile], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(bashScript).toContain('complete -F _mlflow_mct mlflow-mct');
  });

  it('completes commands, subcommands, flags and flag values in bash', () => {
    expect(complete('ca')).toEqual(['card']);
    expect(complete('')).toEqual(expect.arrayContaining(['train-penguins', 'register-generative', 'card', 'models', 'inspect', 'push', 'completion', 'help']));
    expect(complete('card', 're')).toEqual(['render']);
    expect(complete('models', 'alias', '')).toEqual(['delete']);
    expect(complete('card', 'render', '--la')).toEqual(['--lang']);
    expect(complete('card', 'render', '--lang', '')).toEqual(['en', 'es']);
    expect(complete('train-penguins', '--mlflow-reg')).toEqual(['--mlflow-reg-name']);
    // A flag that takes free text completes nothing; retired spellings are never offered.
    expect(complete('api-card', '--provider', '')).toEqual([]);
    expect(complete('inspect', '--')).not.toContain('--strict');
    expect(complete('register-generative', '--reg')).toEqual([]);
  });

  it('offers exactly the flags each command help lists', () => {
    for (const command of [['train-penguins'], ['api-card'], ['card', 'validate'], ['models', 'promote'], ['inspect'], ['push']]) {
      const listed = helpFlags(runCli([...command, '--help']).stdout);
      expect(complete(...command, '--').sort()).toEqual(listed.sort());
    }
  });

  it('prints zsh and fish scripts from the same commands and flags', () => {
    const zsh = runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef mlflow-mct\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain(bashScript);
    const fish = runCli(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c mlflow-mct -n '__fish_use_subcommand' -a card -d 'Validate and render Model Card Toolkit JSON or YAML cards, or build one from MLflow.'");
    expect(fish.stdout).toContain(
      "complete -c mlflow-mct -n '__fish_seen_subcommand_from card; and __fish_seen_subcommand_from render' -l lang -x -a 'en es' -d 'language of the section labels'",
    );
    for (const [shell, flag] of [['zsh', '-n'], ['fish', '--no-execute']] as const) {
      if (spawnSync('which', [shell]).status !== 0) continue;
      const file = join(tempDir(), `completion.${shell}`);
      writeFileSync(file, shell === 'zsh' ? zsh.stdout : fish.stdout);
      expect(spawnSync(shell, [flag, file], { encoding: 'utf8' }).status).toBe(0);
    }
  });

  it('refuses an unknown shell with exit 2', () => {
    const result = runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('mlflow-mct: error: no completion for shell "powershell" — use one of bash, zsh, fish\n');
  });
});
