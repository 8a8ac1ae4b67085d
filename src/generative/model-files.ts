import { constants } from 'node:fs';
import { copyFile, link, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { splitFrontMatter } from '../card/front-matter.js';
import {
  CONDA_FILE,
  HF_CARD_DATA_FILE,
  HF_CARD_TEXT_FILE,
  LICENSE_FILE,
  MODEL_BINARY_DIR,
  REQUIREMENTS_FILE,
  TOKENIZER_DIR,
  condaEnvironment,
  folderLicenseNotice,
  licenseNotice,
  pipRequirements,
  type TextGenerationSource,
} from './mlmodel.js';

/**
 * The files of a text-generation model directory, laid out as MLflow's transformers flavor lays
 * them out (the MLmodel itself is written by `MlflowClient.logModel`). Each entry is either a
 * file of the source folder or generated text, so the same layout serves the dry-run plan and
 * the staging directory that is uploaded.
 */
export type ModelFile = { path: string; from: string } | { path: string; text: string };

/** A licence file the Hub would recognise (`LICENSE`, `license.md`, ...), as MLflow looks for it. */
const LICENSE_PATTERN = /^license(\.[a-z]+)?$/i;

function firstBaseModel(baseModel: string | string[] | undefined): string | undefined {
  return Array.isArray(baseModel) ? baseModel[0] : baseModel;
}

export async function modelFileLayout(source: TextGenerationSource, declaredLicense: string | undefined): Promise<ModelFile[]> {
  const requirements = pipRequirements(source);
  const environment: ModelFile[] = [
    { path: CONDA_FILE, text: condaEnvironment(requirements) },
    { path: REQUIREMENTS_FILE, text: `${requirements.join('\n')}\n` },
  ];
  if (source.kind === 'hub') {
    return [...environment, { path: LICENSE_FILE, text: licenseNotice(source.modelId, declaredLicense) }];
  }
  const { folder } = source;
  const fromFolder = (file: string) => join(folder.path, ...file.split('/'));
  const files: ModelFile[] = [
    ...folder.files.map((file) => ({ path: `${MODEL_BINARY_DIR}/${file}`, from: fromFolder(file) })),
    ...folder.tokenizerFiles.map((file) => ({ path: `${TOKENIZER_DIR}/${file}`, from: fromFolder(file) })),
    ...environment,
  ];
  const licenseFile = folder.files.find((file) => LICENSE_PATTERN.test(file));
  if (licenseFile) files.push({ path: licenseFile, from: fromFolder(licenseFile) });
  else files.push({ path: LICENSE_FILE, text: folderLicenseNotice(source.name, declaredLicense ?? folder.license, firstBaseModel(folder.baseModel)) });
  if (folder.files.includes('README.md')) {
    const { frontMatter, body } = splitFrontMatter(await readFile(fromFolder('README.md'), 'utf8'));
    files.push({ path: HF_CARD_TEXT_FILE, text: body });
    if (Object.keys(frontMatter).length > 0) files.push({ path: HF_CARD_DATA_FILE, text: toYaml(frontMatter) });
  }
  return files;
}

/**
 * Hard-links (or, across file systems, copies) the source files and writes the generated ones
 * under `dir`, so that a multi-gigabyte folder is staged without copying it where possible.
 */
export async function stageModelFiles(files: readonly ModelFile[], dir: string): Promise<void> {
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    if ('text' in file) {
      await writeFile(target, file.text, 'utf8');
      continue;
    }
    // The file itself, not a symbolic link to it (the Hugging Face cache links snapshots to blobs).
    const source = await realpath(file.from);
    try {
      await link(source, target);
    } catch {
      await copyFile(source, target, constants.COPYFILE_FICLONE);
    }
  }
}
