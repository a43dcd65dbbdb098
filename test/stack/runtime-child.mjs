// The Lambda runtime stand-in, one process per function: imports the handler from the unzipped
// package (LAMBDA_TASK_ROOT + _HANDLER, as the nodejs runtime does) and runs invocations sent by
// the parent over IPC, one at a time, with a Lambda-shaped context. Nothing of the repository is
// on its module path: what the zip does not contain cannot be imported.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';

const root = process.env.LAMBDA_TASK_ROOT;
const [file, exported] = (() => {
  const h = process.env._HANDLER;
  const dot = h.lastIndexOf('.');
  return [h.slice(0, dot), h.slice(dot + 1)];
})();

let handler;
let loadError;
try {
  const mod = await import(pathToFileURL(join(root, `${file}.mjs`)).href);
  handler = mod[exported];
  if (typeof handler !== 'function') loadError = `${file}.${exported} is not a function`;
} catch (e) {
  loadError = `Runtime.ImportModuleError: ${e?.stack ?? e}`;
}

const timeoutMs = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) * 1000;
let queue = Promise.resolve();

process.on('message', (msg) => {
  queue = queue.then(() => invoke(msg));
});
process.send({ type: 'ready', error: loadError });

async function invoke({ id, event }) {
  if (loadError) return process.send({ type: 'result', id, error: loadError });
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.STACK_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'stack-test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  let timer;
  try {
    const result = await Promise.race([
      handler(event, context),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
          timeoutMs,
        );
      }),
    ]);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (e) {
    process.send({ type: 'result', id, error: String(e?.stack ?? e) });
  } finally {
    clearTimeout(timer);
  }
}
