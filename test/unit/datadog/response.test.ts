/** parseDatadogQuery over the shapes an `/api/v1/query` answer can take (pure, no server). */
import { describe, expect, it } from 'vitest';
import { parseDatadogQuery } from '../../../lib/adapters/datadog/response.js';

const W = 'Datadog https://api.datadoghq.com';
const ok = (series: unknown) => JSON.stringify({ status: 'ok', res_type: 'time_series', series });

describe('parseDatadogQuery', () => {
  it.each([
    {
      name: 'the first point of the first series, not the newest',
      status: 200,
      text: ok([
        {
          pointlist: [
            [1, 3.5],
            [2, 9],
          ],
        },
        { pointlist: [[1, 7]] },
      ]),
      want: { kind: 'value', value: 3.5 },
    },
    { name: 'a zero', status: 200, text: ok([{ pointlist: [[1, 0]] }]), want: { kind: 'value', value: 0 } },
    {
      name: 'no series',
      status: 200,
      text: ok([]),
      want: { kind: 'noData', message: `${W}: no values found (no series)` },
    },
    {
      name: 'no points',
      status: 200,
      text: ok([{ pointlist: [] }]),
      want: { kind: 'noData', message: `${W}: no values found (empty pointlist)` },
    },
    {
      name: 'a null point',
      status: 200,
      text: ok([{ pointlist: [[1, null]] }]),
      want: { kind: 'noData', message: `${W}: no values found (null point)` },
    },
    {
      name: 'a body that is not JSON',
      status: 200,
      text: '<html>proxy</html>',
      want: { kind: 'error', message: `${W}: malformed answer: <html>proxy</html>` },
    },
    {
      name: 'no series list',
      status: 200,
      text: JSON.stringify({ status: 'ok' }),
      want: { kind: 'error', message: `${W}: answer has no series list` },
    },
    {
      name: 'a series without pointlist',
      status: 200,
      text: ok([{}]),
      want: { kind: 'error', message: `${W}: malformed series (no pointlist)` },
    },
    {
      name: 'a point without a value',
      status: 200,
      text: ok([{ pointlist: [[1]] }]),
      want: { kind: 'error', message: `${W}: malformed point [1]` },
    },
    {
      name: 'a string value',
      status: 200,
      text: ok([{ pointlist: [[1, '3']] }]),
      want: { kind: 'error', message: `${W}: point value is not a number` },
    },
    {
      name: 'a 400 with Datadog errors',
      status: 400,
      text: JSON.stringify({ errors: ['Invalid query', 'missing from'] }),
      want: { kind: 'error', message: `${W} answered HTTP 400: Invalid query; missing from` },
    },
    {
      name: 'a 502 with an empty body',
      status: 502,
      text: '',
      want: { kind: 'error', message: `${W} answered HTTP 502: (empty body)` },
    },
    {
      name: 'a 401',
      status: 401,
      text: JSON.stringify({ errors: ['Unauthorized'] }),
      want: {
        kind: 'error',
        message: `${W} refused the keys (HTTP 401: Unauthorized); check datadog_api_key and datadog_application_key in the template's secret`,
      },
    },
  ])('$name', ({ status, text, want }) => {
    expect(parseDatadogQuery(status, text, W)).toEqual(want);
  });

  it('quotes at most 200 characters of an unexpected body', () => {
    const r = parseDatadogQuery(500, 'x'.repeat(1000), W);
    expect(r).toEqual({ kind: 'error', message: `${W} answered HTTP 500: ${'x'.repeat(200)}…` });
  });

  it('says when a rate limit resets, when Datadog says so', () => {
    const text = JSON.stringify({ errors: ['Rate limit reached'] });
    expect(parseDatadogQuery(429, text, W, '7')).toMatchObject({
      message: expect.stringMatching(/resets in 7s$/),
    });
    expect(parseDatadogQuery(429, text, W)).toEqual({
      kind: 'error',
      message: `${W} rate-limited the query (HTTP 429: Rate limit reached)`,
    });
  });
});
