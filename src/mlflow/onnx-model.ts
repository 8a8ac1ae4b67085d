/**
 * The files and MLmodel fields of an MLflow model with the `onnx` and `python_function` flavors,
 * laid out as `mlflow.onnx.save_model` lays them out, so that Python's `mlflow.pyfunc.load_model`,
 * `mlflow models serve` and `mlflow.models.evaluate` load it. The MLmodel itself is written by
 * `MlflowClient.logModel`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';

const ONNX_FILE = 'model.onnx';
const REQUIREMENTS_FILE = 'requirements.txt';
const CONDA_FILE = 'conda.yaml';
const PYTHON_ENV_FILE = 'python_env.yaml';
const INPUT_EXAMPLE_FILE = 'input_example.json';
const SERVING_INPUT_EXAMPLE_FILE = 'serving_input_example.json';

/** A TensorSpec entry of an MLmodel signature (numpy dtype, `-1` for the batch dimension). */
export interface TensorSpec {
  name: string;
  dtype: 'object' | 'float32' | 'float64' | 'int64';
  shape: number[];
}

export interface OnnxModelFiles {
  onnx: Uint8Array;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
  /** A few input rows, column-split as pandas writes `orient="split"` without the index. */
  example: { columns: readonly string[]; data: ReadonlyArray<readonly unknown[]> };
  /** pip requirements of the loading environment. */
  requirements: readonly string[];
  /** The Python the environment files ask for. */
  pythonVersion: string;
}

/** What `logModel` needs to write the MLmodel of the directory. */
export interface OnnxModelDescription {
  flavors: Record<string, Record<string, unknown>>;
  signature: { inputs: string; outputs: string; params: null };
  fields: Record<string, unknown>;
}

function tensorSpecs(specs: readonly TensorSpec[]): string {
  return JSON.stringify(specs.map((spec) => ({ type: 'tensor', 'tensor-spec': { dtype: spec.dtype, shape: spec.shape }, name: spec.name })));
}

/** The pip requirements MLflow's onnx flavor needs: onnx and onnxruntime, and MLflow itself. */
export function onnxRequirements(mlflowVersion: string | undefined): string[] {
  return [mlflowVersion ? `mlflow==${mlflowVersion}` : 'mlflow', 'onnx>=1.10', 'onnxruntime>=1.16'];
}

/** Writes the model's files into `dir` and describes its MLmodel. */
export async function writeOnnxModel(dir: string, model: OnnxModelFiles): Promise<OnnxModelDescription> {
  const requirements = [...model.requirements];
  const example = { columns: [...model.example.columns], data: model.example.data.map((row) => [...row]) };
  const files: Array<[string, string | Uint8Array]> = [
    [ONNX_FILE, model.onnx],
    [REQUIREMENTS_FILE, `${requirements.join('\n')}\n`],
    [PYTHON_ENV_FILE, toYaml({ python: model.pythonVersion, build_dependencies: ['pip', 'setuptools', 'wheel'], dependencies: [`-r ${REQUIREMENTS_FILE}`] })],
    [CONDA_FILE, toYaml({ channels: ['conda-forge'], dependencies: [`python=${model.pythonVersion}`, 'pip', { pip: requirements }], name: 'mlflow-env' })],
    [INPUT_EXAMPLE_FILE, JSON.stringify(example)],
    [SERVING_INPUT_EXAMPLE_FILE, JSON.stringify({ dataframe_split: example }, null, 2)],
  ];
  for (const [name, contents] of files) await writeFile(join(dir, name), contents);
  return {
    flavors: {
      onnx: { code: null, data: ONNX_FILE, onnx_session_options: null, providers: ['CPUExecutionProvider'] },
      python_function: { data: ONNX_FILE, env: { conda: CONDA_FILE, virtualenv: PYTHON_ENV_FILE }, loader_module: 'mlflow.onnx' },
    },
    signature: { inputs: tensorSpecs(model.inputs), outputs: tensorSpecs(model.outputs), params: null },
    fields: {
      saved_input_example_info: {
        artifact_path: INPUT_EXAMPLE_FILE,
        pandas_orient: 'split',
        serving_input_path: SERVING_INPUT_EXAMPLE_FILE,
        type: 'dataframe',
      },
      is_signature_from_type_hint: false,
      type_hint_from_example: false,
    },
  };
}
