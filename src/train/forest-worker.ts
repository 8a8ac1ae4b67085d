/**
 * Worker-thread entry: grows the trees it is sent (see `grower.ts`). It holds the training data
 * of the current forest and answers each `grow` request with the grown tree.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './grower.js';
import { growTree, type TreeData, type TreeParams } from './tree.js';

const port = parentPort;
if (!port) throw new Error('forest-worker.js runs only as a worker thread');

let current: { data: TreeData; params: TreeParams } | undefined;

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'data') {
    current = { data: request.data, params: request.params };
    return;
  }
  let reply: WorkerReply;
  try {
    if (!current) throw new Error('no training data was sent before the first tree');
    reply = { type: 'grown', job: request.job, tree: growTree(current.data, request.task, current.params) };
  } catch (error) {
    reply = { type: 'failed', job: request.job, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
