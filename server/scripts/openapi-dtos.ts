// Writes server/src/http/openapi-dtos.json: JSON Schemas of every type @finecity/types exports (the DTOs the
// API answers with), which the OpenAPI document puts in components.schemas and references from each response.
// Run from the repo root after changing a type: `npm run openapi:dtos`. The output is committed; a test
// (test/fuzz/openapi-dtos.test.ts) fails when it is stale.
// Generator: ts-json-schema-generator (https://github.com/vega/ts-json-schema-generator).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DTO_SCHEMA_FILE = path.join(root, 'server/src/http/openapi-dtos.json');

/** OpenAPI component names must match ^[a-zA-Z0-9._-]+$ (OpenAPI 3.1 §4.8.7.1): `Page<X>` becomes `Page_X_`. */
const componentName = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/** The schemas, keyed by component name, with refs pointing at #/components/schemas. */
export function generateDtoSchemas(): Record<string, unknown> {
  const schema = createGenerator({
    path: path.join(root, 'types/src/index.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: '*',
    expose: 'export',
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
  }).createSchema('*');
  const defs = (schema.definitions ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Types only: the package's few exported functions (coordinate converters) are not contracts.
  for (const name of Object.keys(defs).sort()) if (/^[A-Z]/.test(name)) out[componentName(name)] = defs[name];
  const text = JSON.stringify(out).replace(/"#\/definitions\/([^"]+)"/g, (_m, ref: string) => JSON.stringify(`#/components/schemas/${componentName(decodeURIComponent(ref))}`));
  return JSON.parse(text) as Record<string, unknown>;
}

export const renderDtoSchemas = (): string => `${JSON.stringify(generateDtoSchemas(), null, 1)}\n`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(DTO_SCHEMA_FILE, renderDtoSchemas());
  console.log(`wrote ${path.relative(root, DTO_SCHEMA_FILE)}`);
}
