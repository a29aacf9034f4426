import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/adapters/postgres/schema.ts',
  out: './server/drizzle',
});
