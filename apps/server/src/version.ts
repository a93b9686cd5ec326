import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, read once from package.json (works from src/ in tests and dist/ when built). */
export const VERSION: string = (require('../package.json') as { version: string }).version;
