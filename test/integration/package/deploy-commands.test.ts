/**
 * The deploy commands of README.md and docs/deploy.md that parse `osls info --verbose`, run as
 * written on that command's output. The output is produced by osls's own writer
 * (`write-service-outputs.js` behind its node log reporter, as `osls info` calls them) with the sections and stack outputs of our
 * template, so a change of osls's layout shows up here, not in a user's shell.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const url = 'https://abc123def4.execute-api.eu-west-1.amazonaws.com';

/** What `osls info --stage prod --verbose` prints for our stack (stdout, no TTY). */
function captured(): string {
  const resolve = createRequire(import.meta.url).resolve;
  const reporter = resolve('osls/lib/utils/serverless-utils/log-reporters/node.js');
  const writer = resolve('osls/lib/cli/write-service-outputs.js');
  const sections = [
    ['service', 'flagger-serverless'],
    ['stage', 'prod'],
    ['region', 'eu-west-1'],
    ['stack', 'flagger-serverless-prod'],
    ['endpoints', [`ANY - ${url}/clusters`, `ANY - ${url}/canaries`, `ANY - ${url}/loadtester/{proxy+}`]],
    [
      'functions',
      ['api: flagger-serverless-prod-api (447 kB)', 'step: flagger-serverless-prod-step (758 kB)'],
    ],
    [
      '\nStack Outputs',
      [
        'StepRoleArn: arn:aws:iam::123456789012:role/flagger-serverless-prod-StepRole-1AbC',
        `HttpApiUrl: ${url}`,
        `LoadtesterUrl: ${url}/loadtester`,
        'HttpApiId: abc123def4',
      ],
    ],
  ];
  // As osls's bin/serverless.js: the node log reporter first (it writes text to stdout), then the writer.
  const script = `require(${JSON.stringify(reporter)}); require(${JSON.stringify(writer)})(new Map(${JSON.stringify(sections)}))`;
  return execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

/** Every `$(npx osls info … | …)` of a document, with osls replaced by the captured output. */
function commands(doc: string, file: string): string[] {
  const text = readFileSync(doc, 'utf8');
  return [...text.matchAll(/\$\((npx osls info [^|)]*)\|([^)]*)\)/g)].map((m) => `cat ${file} |${m[2]}`);
}

describe('deploy commands that read osls output', () => {
  const out = captured();
  const dir = mkdtempSync(join(tmpdir(), 'osls-info-'));
  const file = join(dir, 'info.txt');
  writeFileSync(file, out);

  it('osls indents stack outputs by two spaces (the layout the commands rely on)', () => {
    expect(out).toMatch(/\nStack Outputs:\n( {2}\S.*\n)* {2}HttpApiUrl: https:/);
  });

  it.each(['README.md', 'docs/deploy.md'])('%s: the API URL command prints the URL', (doc) => {
    const found = commands(doc, file);
    expect(found.length).toBeGreaterThan(0);
    for (const cmd of found) expect(execFileSync('bash', ['-c', cmd], { encoding: 'utf8' }).trim()).toBe(url);
  });

  it("the old command (grep | cut -d' ' -f2) printed nothing on this output", () => {
    expect(
      execFileSync('bash', ['-c', `cat ${file} | grep HttpApiUrl | cut -d' ' -f2`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('');
  });
});
