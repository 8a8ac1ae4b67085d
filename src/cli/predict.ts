import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { isLocalStoreUri } from '../mlflow/file-store/layout.js';
import { isModelUri } from '../mlflow/uris.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { described, dryRun, json, mlflowUri, timeout, verbose } from './flags.js';
import { mlflowConfigOf } from './mlflow-options.js';
import { modelUri, requiredModelUri, trackingFor, type ModelUriValues } from './scoring-options.js';

type Format = 'csv' | 'json';

interface PredictFlags extends ModelUriValues {
  input?: string;
  output?: string;
  contentType?: Format;
  outputFormat?: Format;
}

/** The format a flag names, else the file's extension says: `.csv` is CSV, anything else JSON. */
const formatOf = (chosen: Format | undefined, file: string | undefined): Format => chosen ?? (file?.toLowerCase().endsWith('.csv') ? 'csv' : 'json');

export function registerPredict(program: Command): void {
  defineCommand<PredictFlags>(
    program,
    {
      name: 'predict',
      description:
        'Score a CSV or JSON file with a penguin model, like `mlflow models predict`: the input forms `serve` accepts, predictions as JSON (the document MLflow writes) or CSV. Rows are read, scored and written in chunks, so a file of any size fits in memory; the output appears whole or not at all.',
      flags: [
        modelUri,
        { flags: '-i, --input <file>', description: 'the rows to score (required): a CSV file with a header, a JSON scoring request (dataframe_split, dataframe_records, instances, inputs), or - for stdin' },
        { flags: '-o, --output <file>', description: 'where to write the predictions', defaultText: 'stdout' },
        { flags: '-t, --content-type <type>', description: 'format of the input', choices: ['csv', 'json'], defaultText: 'csv for a .csv file, else json' },
        { flags: '--output-format <format>', description: 'format of the predictions', choices: ['json', 'csv'], defaultText: 'csv for a .csv output file, else json' },
        described(mlflowUri, 'the MLflow a models:/ or runs:/ URI is resolved against'),
        timeout,
        dryRun('a local model directory (or a local store) is still read and the predictions written; a model on an MLflow server is refused'),
        json,
        verbose,
      ],
      examples: [
        'mlflow-mct predict -m models:/penguins-rf@champion -i penguins.csv -o predictions.json --mlflow-uri http://127.0.0.1:5000',
        'mlflow-mct predict -m ./downloaded-model -i model/serving_input_example.json',
        'mlflow-mct predict -m runs:/<run_id>/model -i big.csv -o scored.csv',
      ],
      exitCodes: {
        1: 'MLflow did not answer, or the output cannot be written',
        2: 'bad flags; the model does not exist or is not a penguin model; the input is malformed, misses a column or has a value of the wrong type',
      },
      environment: ENV.mlflow,
    },
    async ({ flags, options, reporter }) => {
      const location = requiredModelUri(flags);
      if (!flags.input) throw new UsageError('-i/--input is required', { hint: 'e.g. -i penguins.csv, or -i - to read stdin' });
      if (options.json && !flags.output) throw new UsageError('--json prints its document on stdout, where the predictions would go', { hint: 'add -o <file>' });
      const trackingUri = mlflowConfigOf(flags).trackingUri;
      if (options.dryRun && isModelUri(location) && trackingUri !== undefined && !isLocalStoreUri(trackingUri)) {
        throw new UsageError(`--dry-run contacts no server, and ${location} is on MLflow at ${trackingUri}`, {
          hint: 'download the model first (its directory works with --dry-run), or drop --dry-run',
        });
      }
      const request = {
        location,
        input: flags.input,
        inputFormat: formatOf(flags.contentType, flags.input),
        output: flags.output,
        outputFormat: formatOf(flags.outputFormat, flags.output),
      };
      const tracking = await trackingFor(flags, reporter);
      try {
        const { predictFile } = await import('../workflows/predict.js');
        const { rows } = await predictFile(request, tracking?.client, process.stdout);
        reporter.result(
          { dry_run: options.dryRun, model: location, input: request.input, content_type: request.inputFormat, output: request.output ?? null, output_format: request.outputFormat, rows },
          request.output === undefined ? [] : [`Scored ${rows} rows with ${location}: ${request.output}`],
        );
      } finally {
        await tracking?.client.close();
      }
    },
  );
}
