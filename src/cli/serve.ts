import type { Command } from 'commander';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { described, dryRun, integer, json, mlflowUri, timeout, verbose } from './flags.js';
import { byteSize, modelUri, requiredModelUri, trackingFor, type ModelUriValues } from './scoring-options.js';

interface ServeFlags extends ModelUriValues {
  host: string;
  port: number;
  maxBodySize: number;
  workers: number;
}

export function registerServe(program: Command): void {
  defineCommand<ServeFlags>(
    program,
    {
      name: 'serve',
      description: "Serve a penguin model over MLflow's scoring protocol (/ping, /health, /version, /invocations), like `mlflow models serve`.",
      flags: [
        modelUri,
        { flags: '--host <host>', description: 'address to listen on', default: '127.0.0.1' },
        { flags: '-p, --port <port>', description: 'port to listen on (0: any free port)', default: 5000, defaultText: '5000', parse: integer(0) },
        { flags: '-w, --workers <n>', description: 'processes answering requests (like mlflow models serve --workers); one core each', default: 1, defaultText: '1', parse: integer(1) },
        { flags: '--max-body-size <size>', description: 'largest request body accepted (bytes, or e.g. 100mb)', default: 100 * 1024 ** 2, defaultText: '100mb', parse: byteSize },
        described(mlflowUri, 'the MLflow a models:/ or runs:/ URI is resolved against'),
        timeout,
        dryRun('writes no file, downloads nothing and listens nowhere; prints what it would serve'),
        json,
        verbose,
      ],
      examples: [
        'mlflow-mct serve -m models:/penguins-rf@champion --mlflow-uri http://127.0.0.1:5000 --port 5001',
        'mlflow-mct serve -m ./downloaded-model --host 0.0.0.0 --port 8080 --workers 4',
        `curl -s localhost:5001/invocations -H 'Content-Type: application/json' -d @model/serving_input_example.json`,
      ],
      exitCodes: { 1: 'MLflow did not answer, or the port cannot be listened on', 2: 'bad flags, or the model does not exist or is not a penguin model' },
      environment: ENV.mlflow,
    },
    async ({ flags, options, reporter }) => {
      const location = requiredModelUri(flags);
      if (options.dryRun) {
        reporter.result({ dry_run: true, model: location, host: flags.host, port: flags.port }, [
          `Dry run: would load ${location} and serve it on ${flags.host}:${flags.port}`,
        ]);
        return;
      }
      const tracking = await trackingFor(flags, reporter);
      try {
        const { serveModel, timestampedLine } = await import('../workflows/serve.js');
        const request = {
          location,
          host: flags.host,
          port: flags.port,
          maxBodyBytes: flags.maxBodySize,
          workers: flags.workers,
          log: (line: string) => process.stderr.write(timestampedLine(line)),
        };
        await serveModel(request, tracking?.client, (url) => {
          reporter.result({ dry_run: false, model: location, url }, [`Serving ${location} at ${url} (Ctrl-C to stop)`]);
        });
      } finally {
        await tracking?.client.close();
      }
    },
  );
}
