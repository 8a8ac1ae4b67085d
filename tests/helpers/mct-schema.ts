import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Model Card Toolkit's published JSON schema (v0.0.2, main-branch copy with the $ref fix), checked
 * the way MCT checks it: draft-07, formats not enforced.
 */
const schemaPath = fileURLToPath(new URL('../fixtures/mct/model_card.schema.v0.0.2.json', import.meta.url));
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

/** The schema errors of a document, as "path message" lines; empty when it validates. */
export function mctSchemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`);
}

export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/mct/${name}`, import.meta.url)), 'utf8')) as unknown;
}
