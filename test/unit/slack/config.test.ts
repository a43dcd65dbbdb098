/** SLACK_BUTTONS, whether the deployment answers button clicks: read once, failing fast by name. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.js';

const base = { TABLE_NAME: 't' };

describe('SLACK_BUTTONS', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
  ])('%j → %j', (value, want) => {
    expect(loadConfig({ ...base, SLACK_BUTTONS: value }).slackButtons).toBe(want);
  });

  it.each(['yes', 'TRUE', '1'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ ...base, SLACK_BUTTONS: value })).toThrow(
      `environment variable SLACK_BUTTONS must be true or false, got "${value}"`,
    );
  });
});
