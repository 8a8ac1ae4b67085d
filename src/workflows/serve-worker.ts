/**
 * A `serve --workers N` worker process (node:cluster): loads the model directory the primary
 * process resolved and serves it on the shared port until the primary says stop.
 */
import { isMctError } from '../errors.js';
import { listenAndServe, timestampedLine, WORKER_SETTINGS_VARIABLE, type WorkerMessage, type WorkerSettings } from './serve.js';
import { loadServedModel } from './served-model.js';

const tell = (message: WorkerMessage): void => {
  process.send?.(message);
};

try {
  const settings = JSON.parse(process.env[WORKER_SETTINGS_VARIABLE] ?? '{}') as WorkerSettings;
  const { model } = await loadServedModel(settings.directory, undefined);
  await listenAndServe(model, { ...settings, log: (line) => process.stderr.write(timestampedLine(`[worker ${process.pid}] ${line}`)) }, (url) => tell({ listening: url }));
  process.disconnect?.();
} catch (error) {
  tell({ failed: isMctError(error) ? error.oneLine : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
}
