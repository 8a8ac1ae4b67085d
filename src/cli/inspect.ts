import { Command } from 'commander';
import { RuntimeFailure } from '../errors.js';
import { describeReport } from '../pickle/describe.js';
import { inspectModelFile } from '../pickle/inspect.js';
import { inspectionToCard } from '../pickle/to-card.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { json, maxSizeMiB, verbose } from './flags.js';

/** `--max-size <MiB>`: the largest file read, and the most its content may inflate to (joblib compression, zip members). */
export function maxSizeLimits(mebibytes: number): { maxFileBytes: number; maxDecompressedBytes: number } {
  const bytes = Math.max(1, Math.floor(mebibytes * 1024 * 1024));
  return { maxFileBytes: bytes, maxDecompressedBytes: bytes };
}

export const MAX_SIZE_HELP = 'largest file to read, and the most its content may decompress to, in MiB';

export function registerInspect(program: Command): void {
  defineCommand<{ fail: boolean; maxSize: number }>(
    program,
    {
      name: 'inspect <file>',
      description:
        'Describe a model file (pickle, joblib, PyTorch .pt/.pth, NumPy .npy/.npz, zip) and list every import loading it would make, without loading it. Exits 1 when an import is suspicious or dangerous, as modelscan does. Writes nothing.',
      flags: [
        { flags: '--no-fail', description: 'exit 0 even when an import is suspicious or dangerous, or the content cannot be inspected' },
        { flags: '--strict', description: 'exit 1 on findings', retired: 'is the default now: inspect exits 1 on findings (--no-fail exits 0)' },
        { flags: '--max-size <MiB>', description: MAX_SIZE_HELP, default: 1024, parse: maxSizeMiB },
        json,
        verbose,
      ],
      examples: [
        'mlflow-mct inspect model.pkl',
        'mlflow-mct inspect model.joblib --json --no-fail > report.json',
        'mlflow-mct inspect downloaded.pkl && python load_model.py',
      ],
      exitCodes: {
        1: 'an import is suspicious or dangerous, or the content could not be inspected (compression not read); 0 with --no-fail',
        2: 'the file is missing, truncated, corrupt, not a pickle, or larger than --max-size',
      },
      environment: ENV.local,
    },
    async ({ flags, reporter }, file) => {
      const report = await inspectModelFile(file as string, maxSizeLimits(flags.maxSize));
      reporter.result({ ...report }, describeReport(report));
      const { warnings, flagged } = inspectionToCard(report, 'en');
      for (const warning of warnings) reporter.warn(warning);
      if (flagged && flags.fail) {
        throw new RuntimeFailure(`${report.file.name} is ${report.verdict}`, {
          hint: 'do not load the file; see the imports listed in the report (--no-fail exits 0)',
        });
      }
    },
  );
}
