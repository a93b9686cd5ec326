// The signature corpus recorder (src/lab/corpus/record-corpus.ts): run on demand, never by `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/lab/corpus/record-corpus.ts'],
    pool: 'forks',
    maxConcurrency: 4,
  },
});
