import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PickleFormatError } from '../../src/errors.js';
import { inspectModelFile } from '../../src/pickle/inspect.js';
import { inspectionToCard } from '../../src/pickle/to-card.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { adversarial, adversarialOfKind, adversarialPath } from './adversarial.js';

/**
 * The adversarial corpus: no malicious file is ever `safe` or `expected-ML`, none exits 0 under
 * --strict, no legitimate model is flagged, resource attacks stop at the size limit, and names
 * from a file never reach the terminal raw. (That each malicious file really runs code when
 * loaded is proved in canary.test.ts.)
 */

// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('adversarial corpus', () => {
  it('covers every class of attack and a spread of legitimate models', () => {
    const categories = new Set(adversarialOfKind('malicious').map((entry) => entry.category));
    expect(categories).toEqual(new Set(['dotted-name', 'acting-ml-function', 'joblib-desync', 'format']));
    expect(adversarialOfKind('malicious').length).toBeGreaterThanOrEqual(20);
    expect(adversarialOfKind('legit').length).toBeGreaterThanOrEqual(30);
    expect(new Set(adversarialOfKind('legit').map((entry) => entry.container))).toEqual(new Set(['pickle', 'joblib', 'npy', 'npz', 'zip', 'pytorch']));
    const listed = new Set(adversarial.fixtures.map((entry) => entry.file));
    expect(readdirSync(adversarialPath('.')).filter((name) => name !== 'manifest.json').every((name) => listed.has(name))).toBe(true);
  });

  it.each(adversarialOfKind('malicious'))('$file ($category) is dangerous or refused, never safe', async (entry) => {
    const outcome = await inspectModelFile(adversarialPath(entry.file)).catch((error: unknown) => error);
    if (entry.error !== undefined || outcome instanceof PickleFormatError) {
      expect(outcome).toBeInstanceOf(PickleFormatError);
      if (entry.error !== undefined) expect(outcome).toMatchObject({ problem: entry.error });
      return;
    }
    expect(outcome).toMatchObject({ verdict: 'dangerous' });
  });

  it.each(adversarialOfKind('legit'))('$file ($container) is not flagged', async (entry) => {
    const report = await inspectModelFile(adversarialPath(entry.file));
    expect(report.format.container).toBe(entry.container);
    expect(['safe', 'expected-ML']).toContain(report.verdict);
    expect(report.globals.filter((finding) => finding.verdict === 'dangerous' || finding.verdict === 'suspicious')).toEqual([]);
    // What --strict refuses (the CLI exits 1 exactly when this is true).
    expect(inspectionToCard(report, 'en').flagged).toBe(false);
  });

  it('stops a decompression bomb and a zip bomb at the size limit', () => {
    for (const name of ['bomb-64mib-zlib.joblib', 'bomb-64mib.zip']) {
      const result = runCli(['inspect', adversarialPath(name), '--max-size', '2']);
      expect(result.code, name).toBe(2);
      expect(result.stderr).toMatch(/more than (the )?2097152|the 2097152 left under the size limit/);
      const card = runCli(['legacy-card', '--pkl', adversarialPath(name), '--max-size', '2', '--out-dir', tempDir()]);
      expect(card.code, name).toBe(2);
    }
  });

  it('escapes names with terminal controls, and keeps them exact in JSON', () => {
    const human = runCli(['inspect', adversarialPath('control-names.pkl')]);
    expect(CONTROL.test(human.stdout)).toBe(false);
    expect(CONTROL.test(human.stderr)).toBe(false);
    expect(human.stdout).toContain('os\\x1b[2J\\x1b[H.Verdict    safe\\x0d\\x0a\\x1b[32mok\\u202e');
    expect(human.stdout).not.toMatch(/^Verdict {4}safe/m);
    const json = runCli(['inspect', adversarialPath('control-names.pkl'), '--json']);
    expect(CONTROL.test(json.stdout)).toBe(false);
    const report = JSON.parse(json.stdout) as { globals: Array<{ module: string; name: string }> };
    expect(report.globals[0]).toMatchObject({ module: 'os\u001b[2J\u001b[H', name: 'Verdict    safe\r\n\u001b[32mok\u202e' });
  });

  it('names the format it detected', async () => {
    expect((await inspectModelFile(adversarialPath('torch-state-dict.pt'))).format).toMatchObject({
      container: 'pytorch',
      detected: 'PyTorch checkpoint (torch.save zip format)',
      members: [expect.objectContaining({ name: 'archive/data.pkl', container: 'pickle' })],
    });
    const npz = await inspectModelFile(adversarialPath('npz-object.npz'));
    expect(npz.format.container).toBe('npz');
    expect(npz.globals.find((finding) => finding.verdict === 'dangerous')).toMatchObject({ module: 'builtins', name: 'exec', member: 'objects.npy' });
    const legacy = await inspectModelFile(adversarialPath('torch-legacy.pt')).catch((error: unknown) => error);
    expect((legacy as PickleFormatError).oneLine).toContain('a PyTorch checkpoint in the legacy format');
    expect((legacy as PickleFormatError).oneLine).toContain('posix.system (dangerous)');
  });

  it('reads every file of the corpus within its recorded size', () => {
    for (const entry of adversarial.fixtures) expect(readFileSync(adversarialPath(entry.file)).length, entry.file).toBe(entry.size);
  });
});
