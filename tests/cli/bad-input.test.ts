import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { writeFilesAtomically } from '../../src/io/atomic.js';
import { MlflowConfigError } from '../../src/mlflow/errors.js';
import { loadMlflowConfig } from '../../src/mlflow/config.js';
import { redactSecrets, registerSecret } from '../../src/redact.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('--out-dir', () => {
  it('fails fast with exit 2 when the directory cannot be created (no hang under /proc)', () => {
    const result = runCli(['legacy-card', '--out-dir', '/proc/1/newdir']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot use output directory /proc/1/newdir');
  });

  it('uses the same rule, exit 2, for an existing directory that is not writable', () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the rule is checked with access(2)
    const dir = tempDir();
    chmodSync(dir, 0o555);
    const result = runCli(['legacy-card', '--out-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot use output directory ${dir}: permission denied`);
  });

  it('is exit 2 when a file is in the way', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const result = runCli(['legacy-card', '--out-dir', join(dir, 'file', 'sub')]);
    expect(result.code).toBe(2);
  });
});

describe('card files are written all or nothing', () => {
  it('writes nothing and names the .md when the .md path is a directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'legacy_model_card.md'));
    const result = runCli(['legacy-card', '--out-dir', dir, '--force']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write ${join(dir, 'legacy_model_card.md')}: a directory is in the way`);
    expect(readdirSync(dir)).toEqual(['legacy_model_card.md']);
  });

  it('puts back the files it replaced and removes the ones it created when a rename fails', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.html'), 'old html');
    const files = [
      { path: join(dir, 'a.html'), contents: 'new html' },
      { path: join(dir, 'a.md'), contents: 'new md' },
      { path: join(dir, 'missing', 'a.json'), contents: '{}' },
    ];
    const error = await writeFilesAtomically(files).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).message).toContain(join(dir, 'missing', 'a.json'));
    expect(readdirSync(dir).sort()).toEqual(['a.html']);
  });
});

describe('credentials never reach a message', () => {
  it('redacts URIs whose password holds / or @, query tokens, and echoed headers and fields', () => {
    expect(redactSecrets('"http://alice:p/a@ss@mlflow.example.com:5000" is not valid')).toBe('"http://***@mlflow.example.com:5000" is not valid');
    expect(redactSecrets('https://h/api?token=abc&x=1&X-Amz-Signature=zz')).toBe('https://h/api?token=***&x=1&X-Amz-Signature=***');
    expect(redactSecrets('{"echo": "Authorization: Bearer eyJabc.def", "password": "hunter2"}')).toBe('{"echo": "Authorization: ***", "password": "***"}');
    registerSecret('configured-secret-1');
    expect(redactSecrets('body said configured-secret-1')).toBe('body said ***');
    expect(redactSecrets('max_tokens: expected a number')).toBe('max_tokens: expected a number');
  });

  it('redacts the tracking URI in the "not a valid URL" error, whatever its shape', () => {
    let error: unknown;
    try {
      loadMlflowConfig({ mlflowUri: 'http://alice:pa/ss@w0rd@mlflow.example.com:notaport' }, { env: {}, credentialsFile: '/nonexistent' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MlflowConfigError);
    expect((error as MlflowConfigError).oneLine).not.toMatch(/pa\/ss|w0rd/);
  });

  it('never prints a configured password from the CLI', () => {
    const result = runCli(['models', 'list', '--mlflow-uri', 'http://bob:s3cr/et@w0rd@127.0.0.1:1'], { env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' } });
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/s3cr|w0rd/);
  });
});

describe('card and config documents', () => {
  it('refuses YAML with non-core tags, naming the file', () => {
    const dir = tempDir();
    const file = join(dir, 'card.yaml');
    writeFileSync(file, 'model_details:\n  name: !!js/function "function () { return 1 }"\n');
    const result = runCli(['card', 'validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: the YAML tag tag:yaml.org,2002:js/function is not allowed`);
    const config = runCli(['legacy-card', '--config', file, '--out-dir', dir]);
    expect(config.code).toBe(2);
    expect(readdirSync(dir)).toEqual(['card.yaml']);
  });

  it('refuses invalid UTF-8 with the byte offset, naming the file', () => {
    const dir = tempDir();
    const file = join(dir, 'card.json');
    writeFileSync(file, Buffer.concat([Buffer.from('{"model_details": {"name": "a'), Buffer.from([0xff]), Buffer.from('"}}')]));
    const result = runCli(['card', 'validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: not valid UTF-8 at byte 29 (0xff)`);
  });
});
