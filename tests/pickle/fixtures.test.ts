import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickleFormatError } from '../../src/errors.js';
import { inspectModelFile } from '../../src/pickle/inspect.js';
import type { EstimatorSummary, InspectionReport } from '../../src/pickle/report.js';
import { fixturePath, fixturesOfKind, manifest, type ModelFacts } from './fixtures.js';

function expectFacts(summary: EstimatorSummary | null | undefined, facts: ModelFacts): void {
  expect(summary).toBeTruthy();
  const model = summary as EstimatorSummary;
  expect(model.class).toBe(facts.class);
  expect(model.library).toBe(facts.library);
  expect(model.libraryVersion).toBe(facts.version);
  for (const [key, value] of Object.entries(facts.hyperparameters)) {
    expect(model.hyperparameters, key).toHaveProperty([key], value);
  }
  expect(model.classes).toEqual(facts.classes ?? null);
  expect(model.nFeaturesIn).toBe(facts.nFeaturesIn ?? null);
  expect(model.featureNames).toEqual(facts.featureNames ?? null);
  if (facts.ensemble) expect(model.ensemble).toEqual(facts.ensemble);
  else expect(model.ensemble).toBeNull();
  if (facts.steps) {
    expect(model.steps?.map((step) => step.name)).toEqual(facts.steps.map((step) => step.name));
    facts.steps.forEach((step, index) => expectFacts(model.steps?.[index]?.estimator, step));
  } else {
    expect(model.steps).toBeNull();
  }
}

describe('real scikit-learn fixtures', () => {
  it('cover the protocols, containers and compressions the inspector claims to read', () => {
    const models = fixturesOfKind('model');
    expect(new Set(models.filter((entry) => entry.container === 'pickle').map((entry) => entry.protocol))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(new Set(models.filter((entry) => entry.container === 'joblib').map((entry) => entry.compression))).toEqual(
      new Set(['none', 'zlib', 'gzip', 'bz2', 'xz']),
    );
    expect(manifest.generatedWith['scikit-learn']).toBeTruthy();
  });

  it.each(fixturesOfKind('model'))('$file yields its class, version, hyperparameters, classes and features', async (entry) => {
    const report = await inspectModelFile(fixturePath(entry.file));
    expect(report.file).toMatchObject({ name: entry.file, sizeBytes: entry.size, sha256: entry.sha256 });
    expect(report.format.container).toBe(entry.container);
    expect(report.format.compression).toBe(entry.compression);
    if (entry.inspected === false) {
      expect(report.format.inspected).toBe(false);
      expect(report.verdict).toBe('not-inspected');
      expect(report.model).toBeNull();
      expect(report.notes.join(' ')).toContain(`compressed with ${entry.compression}`);
      return;
    }
    if (entry.protocol !== undefined) expect(report.format.protocol).toBe(entry.protocol);
    expect(report.format.streams).toBe(1);
    expect(report.format.trailingBytes).toBe(0);
    expect(report.verdict).toBe('expected-ML');
    expect(report.globals.some((finding) => finding.verdict === 'suspicious' || finding.verdict === 'dangerous')).toBe(false);
    expectFacts(report.model, entry as ModelFacts);
  });

  it('reads joblib array payloads instead of mistaking them for opcodes', async () => {
    const report = await inspectModelFile(fixturePath('rf.joblib'));
    expect(report.globals.find((finding) => finding.name === 'NumpyArrayWrapper')).toMatchObject({ verdict: 'safe' });
    // A parser that does not skip the raw tree arrays reads float bytes as opcodes and fails or
    // stops early; all trees (read after their arrays) must be there.
    expect(report.model?.ensemble?.trees).toHaveLength(3);
    expect(report.format.pickleBytes).toBe(report.file.sizeBytes);
  });
});

describe('malicious fixtures', () => {
  it.each(fixturesOfKind('malicious'))('$file is flagged dangerous and creates nothing', async (entry) => {
    const marker = join(process.cwd(), entry.marker ?? '');
    expect(existsSync(marker)).toBe(false);
    const report = await inspectModelFile(fixturePath(entry.file));
    expect(report.verdict).toBe('dangerous');
    for (const name of entry.dangerous ?? []) {
      const finding = report.globals.find((item) => `${item.module}.${item.name}` === name);
      expect(finding, name).toMatchObject({ verdict: 'dangerous', resolved: true });
      // The report says what loading would have run.
      expect(finding?.calledWith.join(' ')).toContain(entry.marker);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('resolves STACK_GLOBAL operands fetched from the memo', async () => {
    const report = await inspectModelFile(fixturePath('malicious-stack-global-memo.pkl'));
    expect(report.globals).toHaveLength(1);
    expect(report.globals[0]).toMatchObject({ module: 'posix', name: 'system', verdict: 'dangerous' });
  });

  it('names the Python 3 module a Python 2 name loads', async () => {
    const report = await inspectModelFile(fixturePath('malicious-subprocess-p2.pkl'));
    expect(report.globals[0]?.reason).toContain('subprocess.call');
  });
});

describe('edge fixtures', () => {
  it('refuses STACK_GLOBAL operands that are not strings, as pickle does', async () => {
    const error = await inspectModelFile(fixturePath('unresolved-stack-global.pkl')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PickleFormatError);
    expect((error as PickleFormatError).oneLine).toContain('STACK_GLOBAL operands are not strings');
  });

  it('reads every concatenated pickle, so a second malicious one is seen', async () => {
    const report: InspectionReport = await inspectModelFile(fixturePath('concatenated.pkl'));
    expect(report.format.streams).toBe(2);
    expect(report.verdict).toBe('dangerous');
    expect(report.globals.map((finding) => `${finding.module}.${finding.name}`)).toEqual(['posix.system']);
    expect(report.notes.join(' ')).toContain('2 concatenated pickles');
  });

  it('keeps a pickled "__proto__" key away from every prototype', async () => {
    const report = await inspectModelFile(fixturePath('proto-key.pkl'));
    expect(report.verdict).toBe('safe');
    expect(report.model).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
  });
});

describe('invalid fixtures', () => {
  it.each(fixturesOfKind('invalid'))('$file is a PickleFormatError ($error), exit 2', async (entry) => {
    const error = await inspectModelFile(fixturePath(entry.file)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PickleFormatError);
    expect(error).toMatchObject({ problem: entry.error, exitCode: 2 });
    expect((error as PickleFormatError).oneLine).toContain(entry.file);
  });

  it('says where a declared length runs past the end of the file', async () => {
    const error = (await inspectModelFile(fixturePath('invalid-length-past-end.pkl')).catch((caught: unknown) => caught)) as PickleFormatError;
    expect(error.oneLine).toContain('BINUNICODE needs 1048576 bytes but only 5 remain (at byte 7)');
    expect(error.offset).toBe(7);
  });

  it('names what a non-pickle file looks like', async () => {
    const error = (await inspectModelFile(fixturePath('invalid-not-a-pickle.pkl')).catch((caught: unknown) => caught)) as PickleFormatError;
    expect(error.oneLine).toContain('not a pickle: this looks like a text file');
  });

  it('reports a missing file as an input error naming it', async () => {
    await expect(inspectModelFile(fixturePath('missing.pkl'), {}, '--pkl')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--pkl: cannot read .*missing\.pkl: file not found$/),
    });
  });
});
