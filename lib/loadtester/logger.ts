import type { Logger } from '../ports/logger.js';

export { silentLogger } from '../ports/logger.js';

/** The logging the load tester needs: the project's {@link Logger} port (Powertools' `Logger` fits it). */
export type LoadtesterLogger = Logger;

/** One JSON line per entry on stdout/stderr (the default). */
export const jsonLineLogger: LoadtesterLogger = {
  info: (message, attributes) => console.log(JSON.stringify({ level: 'INFO', message, ...attributes })),
  warn: (message, attributes) => console.warn(JSON.stringify({ level: 'WARN', message, ...attributes })),
  error: (message, attributes) => console.error(JSON.stringify({ level: 'ERROR', message, ...attributes })),
};
