import { Command } from 'commander';
import { RuntimeFailure, UsageError } from '../errors.js';
import { describeReport } from '../pickle/describe.js';
import { inspectModelFile } from '../pickle/inspect.js';
import { inspectionToCard } from '../pickle/to-card.js';
import { examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';

const MiB = 1024 * 1024;

export function registerInspect(program: Command): void {
  const command = program
    .command('inspect')
    .argument('<file>', 'a pickle (.pkl, .pickle) or joblib (.joblib, .joblib.gz, ...) file')
    .description('Describe a pickled model and list every import loading it would make, without loading it')
    .option('--strict', 'exit 1 when an import is suspicious or dangerous, or the file cannot be inspected')
    .option('--max-size <MiB>', 'largest file to read, in MiB', '1024');
  withCommonOptions(command)
    .addHelpText(
      'after',
      examples([
        'mlflow-mct inspect model.pkl',
        'mlflow-mct inspect model.joblib --json > report.json',
        'mlflow-mct inspect downloaded.pkl --strict && python load_model.py',
      ]),
    )
    .action(async (file: string, raw: { strict?: boolean; maxSize: string } & Record<string, unknown>) => {
      const options = globalOptionsOf(raw);
      const reporter = reporterFor(options);
      const maxSize = Number(raw.maxSize);
      if (!Number.isFinite(maxSize) || maxSize <= 0) {
        throw new UsageError(`--max-size ${raw.maxSize} is not a positive number of MiB`, { hint: 'write e.g. --max-size 2048' });
      }
      const maxFileBytes = Math.floor(maxSize * MiB);
      const report = await inspectModelFile(file, { maxFileBytes, maxDecompressedBytes: Math.max(2 * maxFileBytes, 2048 * MiB) });
      reporter.result(report, describeReport(report));
      const { warnings, flagged } = inspectionToCard(report, 'en');
      for (const warning of warnings) reporter.warn(warning);
      if (raw.strict && flagged) {
        throw new RuntimeFailure(`${report.file.name} is ${report.verdict} (--strict)`, {
          hint: 'do not load the file; see the imports listed in the report',
        });
      }
    });
}
