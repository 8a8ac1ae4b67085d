import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The JSON Schemas the package ships for every command's --json document. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/json/', import.meta.url));

const ajv = new Ajv({ strict: true, allErrors: true });
for (const file of readdirSync(SCHEMA_DIR)) ajv.addSchema(JSON.parse(readFileSync(`${SCHEMA_DIR}${file}`, 'utf8')) as object);

/** `card render` is described by card-render.schema.json. */
export function schemaFileOf(command: string): string {
  return `${command.replace(/ /g, '-')}.schema.json`;
}

/**
 * Parses a command's --json stdout and checks it against its command's schema; returns the
 * document, or throws with every schema error.
 */
export function checkJsonContract(stdout: string): Record<string, unknown> {
  const document = JSON.parse(stdout) as Record<string, unknown>;
  const validate = ajv.getSchema(schemaFileOf(String(document.command)));
  if (!validate) throw new Error(`no schema for command ${String(document.command)}`);
  if (!validate(document)) {
    throw new Error(`${String(document.command)} --json does not match its schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  }
  return document;
}
