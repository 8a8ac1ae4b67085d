// One inspection in a process of its own, for bench/pickle-inspect.mjs: prints the time and the
// process's peak memory (max RSS) as JSON. Usage: node bench/pickle-inspect-one.mjs <file> [maxSizeMiB]
import { performance } from 'node:perf_hooks';

const { inspectModelFile } = await import('../dist/pickle/inspect.js');
const [file, maxSize] = process.argv.slice(2);
const limits = maxSize === undefined ? {} : { maxFileBytes: Math.floor(Number(maxSize) * 1048576) };
const start = performance.now();
let outcome;
try {
  const report = await inspectModelFile(file, limits);
  outcome = report.verdict;
} catch (error) {
  outcome = `error:${error.problem ?? error.message}`;
}
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, outcome })}\n`);
