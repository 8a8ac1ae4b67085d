/** Worker-thread entry of `cv-thread.ts`: scores the fits it takes from the shared counter and reports each. */
import { parentPort, workerData } from 'node:worker_threads';
import { planCrossValidation } from './cv.js';
import type { CrossValidationReply, CrossValidationWorkerData } from './cv-thread.js';

const port = parentPort;
if (!port) throw new Error('cv-worker.js runs only as a worker thread');
const send = (reply: CrossValidationReply) => port.postMessage(reply);

const { job, nextFit } = workerData as CrossValidationWorkerData;
let lastReport = 0;
try {
  const plan = planCrossValidation(job.X, job.y, job.featureNames, job.scheme, job.forestOptions);
  for (let fit = Atomics.add(nextFit, 0, 1); fit < plan.fits; fit = Atomics.add(nextFit, 0, 1)) {
    const scores = await plan.scoreFit(fit, {
      onProgress: (progress) => {
        // A message per tree would cost more than the trees on small data: report every 50 ms and each fit's end.
        const now = performance.now();
        if (now - lastReport < 50 && progress.trees.done < progress.trees.total) return;
        lastReport = now;
        send({ type: 'progress', progress });
      },
    });
    send({ type: 'scored', fit, scores });
  }
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
