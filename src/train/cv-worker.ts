/** Worker-thread entry of `cv-thread.ts`: cross-validates the job it was started with and reports back. */
import { parentPort, workerData } from 'node:worker_threads';
import { crossValidate } from './cv.js';
import type { CrossValidationJob, CrossValidationReply } from './cv-thread.js';

const port = parentPort;
if (!port) throw new Error('cv-worker.js runs only as a worker thread');
const send = (reply: CrossValidationReply) => port.postMessage(reply);

const job = workerData as CrossValidationJob;
let lastReport = 0;
try {
  const summary = await crossValidate(job.X, job.y, job.featureNames, job.scheme, job.forestOptions, {
    onProgress: (progress) => {
      // A message per tree would cost more than the trees on small data: report every 50 ms and at each fit's end.
      const now = performance.now();
      if (now - lastReport < 50 && progress.trees.done < progress.trees.total) return;
      lastReport = now;
      send({ type: 'progress', progress });
    },
  });
  send({ type: 'done', summary });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
