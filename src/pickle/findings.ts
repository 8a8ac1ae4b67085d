import { PickleFormatError, type PickleProblem } from '../errors.js';
import { classifyGlobal, worstVerdict } from './globals.js';
import { recogniseOtherFormat } from './joblib.js';
import { OPCODE_NAMES } from './opcodes.js';
import type { GlobalFinding } from './report.js';
import { Budget, toJson } from './sklearn.js';
import { printableName } from './text.js';
import { qualifiedName, type GlobalRef, type PickleValue } from './values.js';

/** What an inspection reports about the imports it saw: one finding per import, and errors that name them. */

const HINTS: Readonly<Record<PickleProblem, string>> = {
  'not-pickle': 'pass a file written by pickle.dump or joblib.dump (.pkl, .pickle, .joblib)',
  truncated: 'the file is incomplete: copy or download it again, and do not load this copy',
  corrupt: 'the file is damaged or crafted: get it again from its source, and do not load this copy',
  limit: 'no real model comes near this limit; treat the file as hostile unless you know why it is so large',
  unsupported: 're-save the model with pickle protocol 5 or lower',
};

const LISTED_OFFSETS = 10;
const LISTED_CALLS = 3;
const CALL_TEXT = 200;

export function distinctNames(globals: readonly GlobalRef[]): string[] {
  return [...new Set(globals.map(qualifiedName))];
}

/** The error, re-issued with the file's name and what was imported before the problem. */
export function withFindings(error: unknown, fileName: string, globals: readonly GlobalRef[], bytes: Uint8Array): never {
  if (!(error instanceof PickleFormatError)) throw error;
  const seen = distinctNames(globals);
  const dangerous = distinctNames(globals.filter((ref) => classifyGlobal(ref).verdict === 'dangerous'));
  let problem = error.problem;
  let message = error.message;
  const other = recogniseOtherFormat(bytes);
  if (problem === 'corrupt' && seen.length === 0 && bytes[0] !== 0x80 && other !== undefined && (error.offset ?? 0) < 16) {
    problem = 'not-pickle';
    message = `not a pickle: this looks like ${other}`;
  }
  if (dangerous.length > 0) message += `; before that it imports ${dangerous.slice(0, 5).map(printableName).join(', ')} (dangerous)`;
  else if (seen.length > 0) message += `; imports seen before that: ${seen.slice(0, 5).map(printableName).join(', ')}${seen.length > 5 ? ', …' : ''}`;
  throw new PickleFormatError(problem, message, {
    location: fileName,
    hint: error.hint ?? HINTS[problem],
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    globalsSeen: seen.length > 0 ? seen : error.globalsSeen,
    cause: error,
  });
}

function callText(args: unknown): string {
  const text = JSON.stringify(args);
  return text.length > CALL_TEXT ? `${text.slice(0, CALL_TEXT)}…` : text;
}

/** One finding per distinct import; its verdict is the worst over all its uses. */
export function findings(globals: readonly GlobalRef[]): GlobalFinding[] {
  const byKey = new Map<string, { finding: GlobalFinding; refs: GlobalRef[] }>();
  for (const ref of globals) {
    const key = refKey(ref);
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        finding: {
          module: ref.module, name: ref.name, verdict: 'safe', reason: '', resolved: ref.resolved, count: 0, offsets: [], calledWith: [],
          ...(ref.member !== undefined ? { member: ref.member } : {}),
        },
        refs: [],
      };
      byKey.set(key, entry);
    }
    entry.finding.count += 1;
    if (entry.finding.offsets.length < LISTED_OFFSETS) entry.finding.offsets.push(ref.offset);
    entry.refs.push(ref);
  }
  return [...byKey.values()].map(({ finding, refs }) => {
    const verdicts = refs.map(classifyGlobal);
    const worst = worstVerdict(verdicts.map((item) => item.verdict));
    const budget = new Budget(1000);
    const calls: PickleValue[] = [];
    for (const ref of refs.filter((_, index) => verdicts[index]?.verdict === worst)) {
      if (calls.length >= LISTED_CALLS) break;
      calls.push(...(ref.calls ?? []).slice(0, LISTED_CALLS - calls.length));
    }
    return {
      ...finding,
      verdict: worst,
      reason: verdicts.find((item) => item.verdict === worst)?.reason ?? '',
      // What a flagged import would be called with says what loading would do (e.g. a shell command).
      calledWith: worst === 'suspicious' || worst === 'dangerous' ? calls.map((args) => callText(toJson(args, budget))) : [],
    };
  });
}

export function opcodeCounts(opcodeCounts: readonly number[]): Record<string, number> {
  const counts: Array<[string, number]> = [];
  opcodeCounts.forEach((count, code) => {
    if (count > 0) counts.push([OPCODE_NAMES.get(code) ?? `0x${code.toString(16)}`, count]);
  });
  return Object.fromEntries(counts.sort(([, a], [, b]) => b - a));
}

/** Two uses of one import (in one archive member) are one finding. */
export function refKey(ref: GlobalRef): string {
  return `${ref.member ?? ''}\u0000${ref.resolved}\u0000${ref.module}\u0000${ref.name}`;
}
