/**
 * Worker-thread entry: grows the trees it is sent (see `grower.ts`). It holds the training data of
 * the current forest (shared memory) and answers each `grow` request with the grown tree, whose
 * arrays it hands over without a copy.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './grower.js';
import { growTree, type GrownTree, type TreeSettings } from './grow-tree.js';
import type { TrainingMatrix } from './matrix.js';

const port = parentPort;
if (!port) throw new Error('forest-worker.js runs only as a worker thread');

let current: { data: TrainingMatrix; settings: TreeSettings } | undefined;

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'data') {
    current = { data: request.data, settings: request.settings };
    return;
  }
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (!current) throw new Error('no training data was sent before the first tree');
    const tree = growTree(current.data, request.task, current.settings);
    reply = { type: 'grown', job: request.job, tree };
    transfer = buffersOf(tree);
  } catch (error) {
    reply = { type: 'failed', job: request.job, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, transfer);
});

function buffersOf({ tree, importance, outOfBag }: GrownTree): ArrayBuffer[] {
  const arrays = [tree.feature, tree.threshold, tree.left, tree.right, tree.value, outOfBag.rows, outOfBag.probabilities, ...(importance ? [importance] : [])];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}
