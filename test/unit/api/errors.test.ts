import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../../functions/api/handler.js';
import { StateConflictError, ValidationError } from '../../../lib/app/errors.js';
import { UnknownClusterError } from '../../../lib/ports/clusters.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnavailableError,
} from '../../../lib/ports/errors.js';
import { InvalidRoutesError } from '../../../lib/adapters/routers/engine/errors.js';
import type { Logger } from '../../../lib/ports/logger.js';

function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const logger: Logger = {
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
  };
  return { logger, lines };
}

describe('errorResponse maps the typed errors by class, never by name', () => {
  it.each([
    [new ValidationError('bad', [{ path: 'spec.x', message: 'required' }]), 400],
    [new InvalidError('bad'), 400],
    [new InvalidRoutesError('routes'), 400],
    [new ForbiddenError('no'), 403],
    [new NotFoundError('gone'), 404],
    [new UnknownClusterError('eu'), 404],
    [new ConflictError('race'), 409],
    [new StateConflictError('pending'), 409],
    [new UnavailableError('down'), 503],
  ])('%s → %i', (error, status) => {
    const { logger } = recordingLogger();
    const res = errorResponse(error, logger);
    expect(res).toMatchObject({ statusCode: status });
    expect(JSON.parse(String((res as { body: string }).body)).message).toBe(error.message);
  });

  it('an error that only looks typed (same name, other class) is a hidden 500', () => {
    const lookalike = Object.assign(new Error('secret detail'), { name: 'NotFoundError' });
    const { logger, lines } = recordingLogger();
    const res = errorResponse(lookalike, logger) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret detail');
    expect(lines.map((l) => l.level)).toEqual(['error']);
  });
});
