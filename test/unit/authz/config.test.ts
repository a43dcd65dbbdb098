/** ADMIN_PRINCIPALS, the deployment's bootstrap admins: read once, checked, failing fast by name. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.js';

const base = { TABLE_NAME: 't' };

describe('ADMIN_PRINCIPALS', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['local:token', ['local:token']],
    [
      ' iam:arn:aws:iam::123456789012:role/platform , jwt:group:platform ,',
      ['iam:arn:aws:iam::123456789012:role/platform', 'jwt:group:platform'],
    ],
  ])('%j → %j', (value, want) => {
    expect(loadConfig({ ...base, ADMIN_PRINCIPALS: value }).adminPrincipals).toEqual(want);
  });

  it('refuses a principal of no known form, naming the variable', () => {
    expect(() =>
      loadConfig({ ...base, ADMIN_PRINCIPALS: 'arn:aws:iam::123456789012:role/platform' }),
    ).toThrow(/^environment variable ADMIN_PRINCIPALS: expected iam:<ARN>, jwt:sub:<subject>/);
  });
});
