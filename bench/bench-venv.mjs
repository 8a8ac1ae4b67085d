// The Python environment of the scikit-learn comparators (bench/*.py): .venv-bench/ at the
// repository root with the pinned versions of bench/requirements-train.txt, created on first use
// and refreshed when that file changes. Needs `python3` with `venv` (or PYTHON) and PyPI once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The venv's python, creating .venv-bench/ or refreshing it when the requirements changed. */
export function ensureVenv() {
  const venv = join(root, '.venv-bench');
  const python = join(venv, 'bin', 'python');
  const requirements = join(root, 'bench', 'requirements-train.txt');
  const stamp = join(venv, '.train-requirements.sha256');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return python;
  const step = (command, args) => {
    console.error(`[bench] ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.error?.message})`);
  };
  if (!existsSync(python)) step(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  step(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  writeFileSync(stamp, wanted);
  return python;
}
