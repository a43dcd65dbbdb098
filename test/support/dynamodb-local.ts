/**
 * AWS's DynamoDB Local (the jar shipped in the npm package `amplify-dynamodb-simulator`), run with
 * `java -jar DynamoDBLocal.jar -inMemory -disableTelemetry` on a free port. One JVM per test
 * process, shared by every caller; callers keep apart by table name. Java comes from PATH
 * (`JAVA_BIN` overrides it; Debian: `default-jre-headless`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let shared: Promise<string> | undefined;

/**
 * The endpoint of this process's DynamoDB Local, started on first use and stopped when the process
 * exits (tests start and close a control plane per test: a JVM each time would cost seconds).
 */
export function dynamoDbLocalEndpoint(): Promise<string> {
  shared ??= startWithRetries();
  return shared;
}

/** The port is chosen before the JVM binds it; another process may take it first, so try a few. */
async function startWithRetries(): Promise<string> {
  let last: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      last = e;
      if (!(e instanceof PortTakenError)) throw e;
    }
  }
  throw last;
}

class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

async function start(port: number): Promise<string> {
  const dir = jarDirectory();
  const java = process.env.JAVA_BIN ?? 'java';
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // The shell runs java and kills it once its stdin closes: when this process ends, however it
  // ends (test workers are killed, so 'exit' handlers do not run), no JVM is left behind.
  // (A background job's stdin is /dev/null unless redirected: hence fd 3.)
  const watchdog =
    'exec 3<&0; "$0" "$@" & java=$!; (cat <&3 >/dev/null; kill $java 2>/dev/null) & wait $java';
  const child = spawn('sh', ['-c', watchdog, java, ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => void output.push(chunk.toString('utf8'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, sig) => resolve(`exited (${code ?? sig})`));
    child.once('error', (e) => resolve(`could not start ${java}: ${e.message}`));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let exit: string | undefined;
  void exited.then((why) => (exit = why));
  const ready = await waitReady(endpoint, () => exit);
  if (ready === true) return endpoint;
  child.stdin?.end();
  await exited;
  const log = output.join('');
  if (log.includes('Address already in use')) throw new PortTakenError(`port ${port} is taken`);
  throw new Error(`DynamoDB Local did not start: ${ready.message}\n${log}`);
}

/**
 * True once ListTables answers, an Error once the JVM has exited or after 600 polls 100 ms apart
 * (it starts in 1–3 s; a busy machine may need many times that).
 */
async function waitReady(endpoint: string, exit: () => string | undefined): Promise<true | Error> {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  try {
    let last: unknown;
    for (let attempt = 0; attempt < 600; attempt++) {
      const why = exit();
      if (why) return new Error(why);
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return new Error(`no answer at ${endpoint}: ${String(last)}`);
  } finally {
    client.destroy();
  }
}

/** A port free on every interface a moment ago (DynamoDB Local binds 0.0.0.0 and cannot take 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
