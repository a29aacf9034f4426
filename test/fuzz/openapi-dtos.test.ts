// The committed DTO schemas (server/src/http/openapi-dtos.json) are what `npm run openapi:dtos` writes from
// @finecity/types today: a type changed without regenerating fails here, before the document lies.
import fs from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DTO_SCHEMA_FILE, renderDtoSchemas } from '../../server/scripts/openapi-dtos.js';

describe('the OpenAPI DTO schemas', () => {
  it('are up to date with @finecity/types (else run npm run openapi:dtos)', () => {
    const committed = fs.readFileSync(DTO_SCHEMA_FILE, 'utf8');
    expect(committed === renderDtoSchemas()).toBe(true);
    expect(Object.keys(JSON.parse(committed) as object)).toEqual(expect.arrayContaining(['CaseDto', 'LoginResponse', 'UserDto', 'ErrorBody']));
  }, 60_000);
});
