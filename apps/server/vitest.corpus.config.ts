// The signature corpus recorder (src/integration/corpus/record-corpus.ts): run on demand, never by `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/integration/corpus/record-corpus.ts'],
    pool: 'forks',
    maxConcurrency: 4,
  },
});
