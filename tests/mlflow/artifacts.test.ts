import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MlflowNotFoundError, MlflowUriError } from '../../src/mlflow/errors.js';
import { describeWithServer, scratchDir, testClient, uniqueName } from '../harness/context.js';

async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await tree(join(dir, entry.name), path)));
    else out.push(path);
  }
  return out.sort();
}

describeWithServer('artifacts through the mlflow-artifacts proxy', () => {
  const client = testClient();
  let local: string;
  let runId: string;
  let artifactUri: string;

  beforeAll(async () => {
    local = await scratchDir('artifacts');
    await mkdir(join(local, 'card', 'images', 'deep'), { recursive: true });
    await writeFile(join(local, 'card', 'model_card.html'), '<h1>Tarjeta del modelo</h1>');
    await writeFile(join(local, 'card', 'model_card.md'), '# Tarjeta\n\nPrecisión: 0.98\n');
    await writeFile(join(local, 'card', 'images', 'plot one.svg'), '<svg/>');
    await writeFile(join(local, 'card', 'images', 'deep', 'año & ½ (1)+x.txt'), 'odd name');
    await writeFile(join(local, 'card', 'empty.bin'), Buffer.alloc(0));
    await writeFile(join(local, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    const experimentId = await client.createExperiment(uniqueName('exp-artifacts'));
    const run = await client.createRun({ experimentId });
    runId = run.info.runId;
    artifactUri = run.info.artifactUri;
  });

  afterAll(async () => {
    await client.close();
  });

  it('uploads a file and a directory, lists them recursively and downloads them intact', async () => {
    expect(await client.logArtifact(runId, join(local, 'big.bin'), 'blobs')).toBe('blobs/big.bin');
    const uploaded = await client.logArtifacts(runId, join(local, 'card'), 'model_card');
    expect(uploaded.sort()).toEqual(
      ['model_card/empty.bin', 'model_card/images/deep/año & ½ (1)+x.txt', 'model_card/images/plot one.svg', 'model_card/model_card.html', 'model_card/model_card.md'].sort(),
    );

    const top = await client.listArtifacts(`runs:/${runId}`);
    expect(top.map((entry) => [entry.path, entry.isDir])).toEqual([
      ['blobs', true],
      ['model_card', true],
    ]);
    const all = await client.listArtifacts(`runs:/${runId}/model_card`, { recursive: true });
    const files = all.filter((entry) => !entry.isDir);
    expect(files.map((entry) => entry.path).sort()).toEqual(
      ['empty.bin', 'images/deep/año & ½ (1)+x.txt', 'images/plot one.svg', 'model_card.html', 'model_card.md'].sort(),
    );
    expect(files.find((entry) => entry.path === 'model_card.md')?.fileSize).toBe(Buffer.byteLength('# Tarjeta\n\nPrecisión: 0.98\n'));

    const out = await scratchDir('download');
    const dir = await client.downloadArtifacts(`runs:/${runId}/model_card`, out);
    expect(dir).toBe(join(out, 'model_card'));
    expect(await tree(dir)).toEqual(['empty.bin', 'images/deep/año & ½ (1)+x.txt', 'images/plot one.svg', 'model_card.html', 'model_card.md']);
    expect(await readFile(join(dir, 'model_card.md'), 'utf8')).toBe('# Tarjeta\n\nPrecisión: 0.98\n');
    expect(await readFile(join(dir, 'images', 'deep', 'año & ½ (1)+x.txt'), 'utf8')).toBe('odd name');

    const file = await client.downloadArtifacts(`runs:/${runId}/blobs/big.bin`, out);
    expect((await readFile(file)).equals(await readFile(join(local, 'big.bin')))).toBe(true);
    // Nothing but the downloaded files is left behind (no temp files).
    expect((await readdir(out)).sort()).toEqual(['big.bin', 'model_card']);
  });

  it('resolves mlflow-artifacts: and http(s) proxy URIs as MLflow does', async () => {
    await client.logArtifact(runId, join(local, 'card', 'model_card.md'), 'via-uri');
    const byArtifactUri = await client.listArtifacts(`${artifactUri}/via-uri`);
    expect(byArtifactUri.map((entry) => entry.path)).toEqual(['model_card.md']);
    const httpUri = `${client.store.location}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\//, '')}`;
    const byHttp = await client.listArtifacts(httpUri, { path: 'via-uri' });
    expect(byHttp.map((entry) => entry.path)).toEqual(['via-uri/model_card.md']);
  });

  it('refuses a directory holding a file name MLflow would refuse, uploading none of it', async () => {
    const bad = await scratchDir('bad-names');
    await writeFile(join(bad, 'fine.txt'), 'ok');
    await writeFile(join(bad, 'notes#1.txt'), 'hash');
    await expect(client.logArtifacts(runId, bad, 'bad-dir')).rejects.toThrow(/"#" is not allowed/);
    await expect(client.listArtifacts(`runs:/${runId}/bad-dir`)).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('refuses traversal, absolute paths and backslashes before sending anything', async () => {
    for (const path of ['../escape', 'a/../../b', '/etc', 'a\\b', '%2e%2e/x', 'C:/x']) {
      await expect(client.logArtifact(runId, join(local, 'big.bin'), path)).rejects.toBeInstanceOf(MlflowUriError);
    }
    await expect(client.listArtifacts(`runs:/${runId}/../other`)).rejects.toBeInstanceOf(MlflowUriError);
  });

  it('reports a missing artifact as not found', async () => {
    const out = await scratchDir('missing');
    await expect(client.downloadArtifacts(`runs:/${runId}/nothing/here.txt`, out)).rejects.toBeInstanceOf(MlflowNotFoundError);
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses artifact roots the server does not proxy', async () => {
    await expect(client.listArtifacts('s3://bucket/path')).rejects.toThrow(/not served by the tracking server's artifact proxy/);
  });
});
