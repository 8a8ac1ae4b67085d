/**
 * `card from-model --attach` on a version train-penguins registered: the version keeps the rich
 * card (the card train-penguins logged is the start), its `mlflow-mct.card` tag moves to the
 * files just attached (downloaded back by that tag), and the files go to the run once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';

describeWithServer('card from-model --attach on a train-penguins version', () => {
  it('keeps the rich card in the description, moves the card tag to the new files and logs them once', { timeout: 120_000 }, async () => {
    const cwd = tempDir();
    const name = uniqueName('penguins-rf');
    const trained = await runCliAsync(['train-penguins', '--json', '--no-evaluate', '--mlflow-uri', server().url, '--mlflow-experiment', uniqueName('penguins'), '--mlflow-reg-name', name], { cwd });
    expect(trained.code, trained.stderr).toBe(0);
    const runId: string = JSON.parse(trained.stdout).mlflow.run_id;

    const out = join(cwd, 'from-model');
    const result = await runCliAsync(['card', 'from-model', `models:/${name}/1`, '--mlflow-uri', server().url, '--out-dir', out, '--attach', '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const attached = JSON.parse(result.stdout).mlflow.attached as { lines: string[]; run_artifacts: string[]; version_artifacts: { owner: string; id: string; paths: string[] } };
    const html = `model_card/${name}-v1_model_card.html`;
    // One upload of the files, to the version's run.
    expect(attached.lines.filter((line) => line.startsWith('log '))).toHaveLength(1);
    expect(attached.run_artifacts).toEqual([]);
    expect(attached.version_artifacts).toMatchObject({ owner: 'run', id: runId });
    expect(attached.version_artifacts.paths).toContain(html);

    const client = testClient();
    try {
      const version = await client.getModelVersion(name, 1);
      // The train-penguins card, brought up to date: metrics with intervals, per-species rows, limitations.
      const description = version.description ?? '';
      expect(description).toMatch(/\| Accuracy \| 1\.0000 \(95% CI 0\.9\d{3}–1\.0000\) \|/);
      expect(description).toContain('Precision (Adelie)');
      expect(description).toContain(`First version of ${name}.`);
      expect(description).toContain('Knows only three species (Adelie, Chinstrap, Gentoo)');
      expect(version.tags['mlflow-mct.card']).toBe(`runs:/${runId}/${html}`);
      const downloaded = await client.downloadArtifacts(version.tags['mlflow-mct.card']!, tempDir());
      expect(await readFile(downloaded, 'utf8')).toBe(await readFile(join(out, `${name}-v1_model_card.html`), 'utf8'));
      // The card train-penguins logged is still there beside the new one.
      const files = (await client.listArtifacts(`runs:/${runId}/model_card`)).map((file) => file.path);
      expect(files).toEqual(expect.arrayContaining(['penguin_model_card.html', `${name}-v1_model_card.html`]));
    } finally {
      await client.close();
    }
  });
});
