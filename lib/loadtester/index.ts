/** Flagger-compatible load tester: pure parsing, built-in load generation, gate endpoints. */
export {
  makeLoadtester,
  type Loadtester,
  type LoadtesterDeps,
  type LoadtesterRequest,
  type LoadtesterResponse,
} from './loadtester.js';
export { startLoadtesterServer, type LoadtesterServer } from './server.js';
export { MemoryGateStore } from './memory-gates.js';
export { parseHeyCommand, MAX_CONCURRENCY, type HeyCommand } from './hey.js';
export { splitShellWords } from './shell-words.js';
export { parseGoDuration, formatDuration } from './duration.js';
export { runLoad, type LoadClock, type LoadReport } from './load.js';
export { formatReport } from './report.js';
export {
  parseRequestCheck,
  runRequestCheck,
  type RequestCheck,
  type RequestCheckResult,
} from './request-check.js';
export { parsePayload, canaryId, metadataFlag, type WebhookPayload } from './payload.js';
export { GATE_ROUTES, serveGate } from './gate-routes.js';
export { TaskRunner, type BackgroundTask } from './runner.js';
export { CommandError, PayloadError } from './errors.js';
export { jsonLineLogger, silentLogger, type LoadtesterLogger } from './logger.js';
