/** The program's name and version (package.json's, inlined into the bundle by esbuild). */
import packageJson from '../package.json' with { type: 'json' };

export const program = 'flagger-serverless';
export const version: string = packageJson.version;
