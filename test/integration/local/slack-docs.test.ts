/**
 * docs/slack.md's "Try it locally", run as written: its first block starts local mode with a
 * signing secret (`SLACK_SIGNING_SECRET=… FLAGGER_API_TOKEN=t npm start -- --sandbox`), its second
 * grants a Slack user, clicks Pause with `npm run slack-click`, reads the history and resumes; its
 * third sends an unsigned and a foreign-signed request. What differs from a reader's run is
 * appended or substituted, and only that: a free port (`--port 0`; the URL local mode prints
 * replaces `http://127.0.0.1:8080`), a data directory of the test's own, and the built-in metrics
 * provider (`--sandbox-metrics`: no Prometheus process to wait for). The CLI lines run in-process
 * (cli/main.ts), the others through a shell.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliFor } from '../cli/harness.js';
import { baseEnv, runShell, startLocalMode, type LocalMode } from './process.js';

const DOC_URL = 'http://127.0.0.1:8080';
const dataDir = mkdtempSync(join(tmpdir(), 'local-slack-docs-'));
let local: LocalMode | undefined;

afterAll(async () => {
  await local?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The lines of each ```sh block of docs/slack.md's section `heading`, comments dropped. */
function blocks(heading: string): string[][] {
  const text = readFileSync(new URL('../../../docs/slack.md', import.meta.url), 'utf8');
  const from = text.indexOf(`\n${heading}\n`);
  expect(from, `docs/slack.md has no "${heading}"`).toBeGreaterThan(-1);
  const section = text.slice(from + heading.length + 2).split(/\n## /)[0];
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** What the reader's terminal exported so far (one terminal for every block after the first). */
const exported: Record<string, string> = {};

/** Runs `lines` as a shell would, keeping exports; returns each line's output (stdout + stderr). */
async function runAll(lines: string[], url: string): Promise<string[]> {
  const outputs: string[] = [];
  for (const written of lines) {
    const line = written.replaceAll(DOC_URL, url);
    const assignments = /^export ((?:\w+=\S+ ?)+)$/.exec(line);
    if (assignments) {
      for (const a of assignments[1].trim().split(' ')) {
        const [k, v] = a.split(/=(.*)/s);
        exported[k] = v;
      }
      outputs.push('');
      continue;
    }
    const cli = /^npx flagger-serverless (.*)$/.exec(line);
    const r = cli
      ? await cliFor(exported)(cli[1].split(/\s+/))
      : await runShell(line, baseEnv(exported), 60_000);
    expect(r.code, `${written}\n${r.stdout}\n${r.stderr}`).toBe(0);
    outputs.push(r.stdout + r.stderr);
  }
  return outputs;
}

/** The reasons of the operator records of `history` (the CLI's table) whose actor is the Slack user. */
const bySlack = (history: string) =>
  [...history.matchAll(/^\S+\s+operator\s+\S+\s+\S+\s+(\w+)\s+slack:T0LOCAL\/U0LOCAL\s/gm)].map((m) => m[1]);

describe('docs/slack.md: try it locally', () => {
  const [start, click, refused] = blocks('## Try it locally');

  it('has a start block, a click block and a refused block', () => {
    expect(start).toEqual([
      'SLACK_SIGNING_SECRET=local-signing-secret FLAGGER_API_TOKEN=t npm start -- --sandbox',
    ]);
    expect(click).toHaveLength(5);
    expect(refused).toHaveLength(2);
  });

  it('applies the signed click, records it, and refuses the others', async () => {
    local = await startLocalMode(
      `${start[0]} --port 0 --data-dir ${dataDir} --sandbox-metrics`,
      'Make a release',
      180_000,
    );
    expect(local.output()).toContain(
      `Slack buttons: clicks answered at ${local.url}/slack/interactions (signed with SLACK_SIGNING_SECRET)`,
    );
    const [, , clicked, history] = await runAll(click, local.url);
    expect(clicked).toContain(`POST ${local.url}/slack/interactions as slack:T0LOCAL/U0LOCAL: HTTP 200`);
    expect(clicked).toContain('reply (everyone, the buttons removed): Paused by <@U0LOCAL>');
    expect(bySlack(history), history).toEqual(['OperatorPause']);

    const [unsigned, foreign] = await runAll(refused, local.url);
    expect(unsigned.trim()).toBe('{"message":"not a request signed by Slack"} HTTP 401');
    expect(foreign).toContain('HTTP 401 {"message":"not a request signed by Slack"}');
    // Neither changed anything: still the one Slack record.
    const after = await cliFor({ FLAGGER_API_URL: local.url, FLAGGER_API_TOKEN: 't' })([
      'history',
      'sandbox/test/podinfo',
    ]);
    expect(bySlack(after.stdout), after.stdout).toEqual(['OperatorPause']);
    // The secret is never printed.
    expect(local.output()).not.toContain('local-signing-secret');
  }, 300_000);
});
