/** Flagger-compatible load tester: pure parsing, built-in load generation, gate endpoints. */
export { makeLoadtester, type Loadtester } from './loadtester.js';
export { startLoadtesterServer, type LoadtesterServer } from './server.js';
export { MemoryGateStore } from './memory-gates.js';
export { parseHeyCommand } from './hey.js';
export { splitShellWords } from './shell-words.js';
export { parseGoDuration } from './duration.js';
export { runLoad } from './load.js';
export { formatReport } from './report.js';
export { parseRequestCheck } from './request-check.js';
export { parsePayload } from './payload.js';
export { CommandError, PayloadError } from './errors.js';
export { silentLogger, type LoadtesterLogger } from './logger.js';
