import { describe, expect, it } from 'vitest';

import {
  parseQueryResponse,
  parseRangeResponse,
  parseVectorResponse,
} from '../../../lib/adapters/prometheus/response.js';

const WHERE = 'Prometheus http://prom:9090';
const ok = (data: unknown) => JSON.stringify({ status: 'success', data });
const vector = (...values: string[]) =>
  ok({
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1795688180.81, v] })),
  });

describe('parseQueryResponse', () => {
  it.each([
    {
      name: 'vector with one series',
      status: 200,
      body: vector('96.00000000000001'),
      want: { kind: 'value', value: 96.00000000000001 },
    },
    { name: 'zero', status: 200, body: vector('0'), want: { kind: 'value', value: 0 } },
    {
      name: 'exponent notation',
      status: 200,
      body: vector('1.5e-7'),
      want: { kind: 'value', value: 1.5e-7 },
    },
    {
      name: 'empty vector',
      status: 200,
      body: vector(),
      want: { kind: 'noData', message: 'no values found (empty result)' },
    },
    {
      name: 'NaN',
      status: 200,
      body: vector('NaN'),
      want: { kind: 'noData', message: 'no values found (value is NaN)' },
    },
    {
      name: '+Inf',
      status: 200,
      body: vector('+Inf'),
      want: { kind: 'noData', message: 'no values found (value is +Inf)' },
    },
    {
      name: '-Inf',
      status: 200,
      body: vector('-Inf'),
      want: { kind: 'noData', message: 'no values found (value is -Inf)' },
    },
    {
      name: 'two series',
      status: 200,
      body: vector('1', '2'),
      want: {
        kind: 'error',
        message: `${WHERE}: query returned 2 series; a check needs exactly one (aggregate with sum/avg)`,
      },
    },
    {
      name: 'scalar',
      status: 200,
      body: ok({ resultType: 'scalar', result: [1795688180.81, '42.5'] }),
      want: { kind: 'value', value: 42.5 },
    },
    {
      name: 'scalar NaN',
      status: 200,
      body: ok({ resultType: 'scalar', result: [1795688180.81, 'NaN'] }),
      want: { kind: 'noData', message: 'no values found (value is NaN)' },
    },
    {
      name: 'matrix',
      status: 200,
      body: ok({ resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] }),
      want: {
        kind: 'error',
        message: `${WHERE}: query returned a range vector (matrix); a check needs an instant value`,
      },
    },
    {
      name: 'string',
      status: 200,
      body: ok({ resultType: 'string', result: [1, 'x'] }),
      want: { kind: 'error', message: `${WHERE}: query returned a string result; a check needs a number` },
    },
    {
      name: '400 bad_data',
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "query": 1:5: parse error: unexpected end of input',
      }),
      want: {
        kind: 'error',
        message: `${WHERE} query failed: HTTP 400 bad_data: invalid parameter "query": 1:5: parse error: unexpected end of input`,
      },
    },
    {
      name: '422 execution error',
      status: 422,
      body: JSON.stringify({
        status: 'error',
        errorType: 'execution',
        error: 'many-to-many matching not allowed',
      }),
      want: {
        kind: 'error',
        message: `${WHERE} query failed: HTTP 422 execution: many-to-many matching not allowed`,
      },
    },
    {
      name: '503 from a proxy with an HTML body',
      status: 503,
      body: '<html>\n  <body>Service   Unavailable</body></html>',
      want: {
        kind: 'error',
        message: `${WHERE} query failed: HTTP 503 <html> <body>Service Unavailable</body></html>`,
      },
    },
    {
      name: '401 with no body',
      status: 401,
      body: '',
      want: { kind: 'error', message: `${WHERE} query failed: HTTP 401` },
    },
    {
      name: '200 with status error',
      status: 200,
      body: JSON.stringify({ status: 'error', error: 'odd' }),
      want: { kind: 'error', message: `${WHERE} query failed: unexpected response odd` },
    },
    {
      name: '200 with non-JSON',
      status: 200,
      body: 'ok',
      want: { kind: 'error', message: `${WHERE} query failed: unexpected response ok` },
    },
    {
      name: 'non-numeric sample',
      status: 200,
      body: vector('abc'),
      want: { kind: 'error', message: `${WHERE}: sample value "abc" is not a number` },
    },
    {
      name: 'malformed sample',
      status: 200,
      body: ok({ resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] }),
      want: { kind: 'error', message: `${WHERE}: malformed sample in result` },
    },
  ])('$name', ({ status, body, want }) => {
    expect(parseQueryResponse(status, body, WHERE)).toEqual(want);
  });
});

const series = (...items: [Record<string, string> | undefined, string][]) =>
  ok({
    resultType: 'vector',
    result: items.map(([metric, v]) => ({ ...(metric ? { metric } : {}), value: [1795688180.81, v] })),
  });

describe('parseVectorResponse', () => {
  it.each([
    {
      name: 'buckets of a histogram, one series per le',
      body: series([{ le: '25' }, '12'], [{ le: '+Inf' }, '30.5'], [{ le: '1e+06' }, '30']),
      want: {
        kind: 'vector',
        samples: [
          { labels: { le: '25' }, value: 12 },
          { labels: { le: '+Inf' }, value: 30.5 },
          { labels: { le: '1e+06' }, value: 30 },
        ],
      },
    },
    {
      name: 'an empty vector is a vector without samples (no series yet)',
      body: series(),
      want: { kind: 'vector', samples: [] },
    },
    {
      name: 'a sum without labels (and without a metric field)',
      body: series([{}, '1000'], [undefined, '7']),
      want: {
        kind: 'vector',
        samples: [
          { labels: {}, value: 1000 },
          { labels: {}, value: 7 },
        ],
      },
    },
    {
      name: 'NaN and ±Inf are kept for the caller to judge',
      body: series([{ a: '1' }, 'NaN'], [{ a: '2' }, '+Inf'], [{ a: '3' }, '-Inf']),
      want: {
        kind: 'vector',
        samples: [
          { labels: { a: '1' }, value: NaN },
          { labels: { a: '2' }, value: Infinity },
          { labels: { a: '3' }, value: -Infinity },
        ],
      },
    },
    {
      name: 'a scalar is one sample without labels',
      body: ok({ resultType: 'scalar', result: [1795688180.81, '3'] }),
      want: { kind: 'vector', samples: [{ labels: {}, value: 3 }] },
    },
  ])('$name', ({ body, want }) => {
    expect(parseVectorResponse(200, body, WHERE)).toEqual(want);
  });

  it.each([
    {
      name: 'matrix',
      status: 200,
      body: ok({ resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] }),
      message: `${WHERE}: query returned a matrix result; expected an instant vector`,
    },
    {
      name: 'non-numeric sample',
      status: 200,
      body: series([{ le: '1' }, 'abc']),
      message: `${WHERE}: malformed series in vector result`,
    },
    {
      name: 'a label value that is not a string',
      status: 200,
      body: ok({ resultType: 'vector', result: [{ metric: { le: 1 }, value: [1, '1'] }] }),
      message: `${WHERE}: malformed series in vector result`,
    },
    {
      name: 'result that is not an array',
      status: 200,
      body: ok({ resultType: 'vector', result: {} }),
      message: `${WHERE}: malformed vector result`,
    },
    {
      name: '400 bad_data',
      status: 400,
      body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }),
      message: `${WHERE} query failed: HTTP 400 bad_data: parse error`,
    },
    {
      name: '200 with non-JSON',
      status: 200,
      body: 'ok',
      message: `${WHERE} query failed: unexpected response ok`,
    },
  ])('error: $name', ({ status, body, message }) => {
    expect(parseVectorResponse(status, body, WHERE)).toEqual({ kind: 'error', message });
  });
});

describe('parseRangeResponse', () => {
  const matrix = (...series: { metric: Record<string, string>; values: [number, string][] }[]) =>
    ok({ resultType: 'matrix', result: series });

  it.each([
    {
      name: 'series of labels and [epoch ms, value] points; NaN and ±Inf kept as numbers',
      status: 200,
      body: matrix(
        {
          metric: { le: '100' },
          values: [
            [1700000000, '1'],
            [1700000010.5, 'NaN'],
          ],
        },
        {
          metric: {},
          values: [
            [1700000020, '+Inf'],
            [1700000030, '-Inf'],
            [1700000040, '2.5e3'],
          ],
        },
      ),
      want: {
        kind: 'series',
        series: [
          {
            labels: { le: '100' },
            points: [
              [1700000000000, 1],
              [1700000010500, NaN],
            ],
          },
          {
            labels: {},
            points: [
              [1700000020000, Infinity],
              [1700000030000, -Infinity],
              [1700000040000, 2500],
            ],
          },
        ],
      },
    },
    {
      name: 'an empty matrix is no series',
      status: 200,
      body: matrix(),
      want: { kind: 'series', series: [] },
    },
    {
      name: 'a vector is an error',
      status: 200,
      body: vector('1'),
      want: { kind: 'error', message: `${WHERE}: range query returned a vector result` },
    },
    {
      name: 'a value that is not a number is an error',
      status: 200,
      body: matrix({ metric: {}, values: [[1700000000, 'x']] }),
      want: { kind: 'error', message: `${WHERE}: malformed series in matrix result` },
    },
    {
      name: "HTTP 400 carries Prometheus' error",
      status: 400,
      body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution' }),
      want: {
        kind: 'error',
        message: `${WHERE} range query failed: HTTP 400 bad_data: exceeded maximum resolution`,
      },
    },
  ])('$name', ({ status, body, want }) => {
    expect(parseRangeResponse(status, body, WHERE)).toEqual(want);
  });
});
