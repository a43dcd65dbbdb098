/**
 * The libraries the CLI loads on first use, re-exported from one ESM module. Importing a CommonJS
 * package such as yaml with `await import('yaml')` gives only a default export once esbuild has
 * bundled it; a static import here gets proper named exports, and `await import('./lazy.js')`
 * still keeps them out of the start-up chunk.
 */
export { parseAllDocuments, stringify } from 'yaml';
export { createLogUpdate } from 'log-update';
