import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  translate,
  UnavailableError,
} from '../../../lib/adapters/kubernetes/errors.js';

const status = (message: string) => JSON.stringify({ kind: 'Status', message });
const api = (code: number, body = status('x')) =>
  new ApiException(code, 'Unknown API Status Code!', body, {});

describe('translate', () => {
  it.each([
    { code: 404, cls: NotFoundError, label: 'not found' },
    { code: 409, cls: ConflictError, label: 'conflict' },
    { code: 401, cls: ForbiddenError, label: 'unauthorized' },
    { code: 403, cls: ForbiddenError, label: 'forbidden' },
    { code: 422, cls: InvalidError, label: 'invalid' },
    { code: 400, cls: InvalidError, label: 'invalid' },
    { code: 429, cls: UnavailableError, label: 'unavailable (HTTP 429)' },
    { code: 503, cls: UnavailableError, label: 'unavailable (HTTP 503)' },
  ])('HTTP $code → $cls.name', ({ code, cls, label }) => {
    const e = api(code, status('deployments.apps "podinfo-primary" not found'));
    const t = translate(e, 'Deployment test/podinfo-primary get');
    expect(t).toBeInstanceOf(cls);
    expect(t.name).toBe(cls.name);
    expect(t.message).toBe(
      `Deployment test/podinfo-primary get failed: ${label} (deployments.apps "podinfo-primary" not found)`,
    );
    expect(t.cause).toBe(e);
    expect((t as NotFoundError).status).toBe(code);
  });

  it('keeps a non-JSON body short and tolerates an empty one', () => {
    expect(translate(api(404, ''), 'Service a/b get').message).toBe('Service a/b get failed: not found');
    expect(translate(api(500, 'oops'), 'Service a/b get').message).toBe(
      'Service a/b get failed: unavailable (HTTP 500) (oops)',
    );
  });

  it('network failures and aborts are UnavailableError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'FetchError',
      code: 'ECONNREFUSED',
    });
    expect(translate(refused, 'Deployment a/b get')).toBeInstanceOf(UnavailableError);
    expect(translate(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'x')).toBeInstanceOf(
      UnavailableError,
    );
    expect(
      translate(new Error('x', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), 'x'),
    ).toBeInstanceOf(UnavailableError);
  });

  it('passes typed errors through and wraps anything else in a plain Error', () => {
    const nf = new NotFoundError('m');
    expect(translate(nf, 'x')).toBe(nf);
    const other = translate('boom', 'Deployment a/b get');
    expect(other.constructor).toBe(Error);
    expect(other.message).toBe('Deployment a/b get failed: boom');
  });
});
