/**
 * Encodes ONNX `ModelProto` messages with protobufjs and ONNX's own schema (shipped in
 * `data/onnx/onnx-ml.proto`), so the bytes follow the format's definition, not our reading of it.
 * Field names are the schema's (`ir_version`, `opset_import`, ...).
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { dataDir } from '../paths.js';

const SCHEMA = join(dataDir, 'onnx', 'onnx-ml.proto');

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  modelType ??= new protobuf.Root().loadSync(SCHEMA, { keepCase: true }).lookupType('onnx.ModelProto');
  return modelType;
}

/** `TensorProto.DataType` values the exporter uses. */
export const DataType = { FLOAT: 1, STRING: 8, INT64: 7, DOUBLE: 11 } as const;
/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A `ModelProto` as a plain object; throws when it does not match the schema. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}
