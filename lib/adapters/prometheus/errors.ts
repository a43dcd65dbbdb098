/**
 * Errors of the Prometheus adapter. Query failures are not here: the client returns them as
 * `QueryResult` values. These are configuration and rendering failures.
 */
import { InvalidError } from '../../ports/errors.js';

/** Why a check could not be turned into a query. */
export type CheckResolutionReason =
  | 'UnknownBuiltin'
  | 'BuiltinNotAvailable'
  | 'TemplateNotFound'
  | 'TemplateRender'
  | 'InvalidInput'
  /** An alb builtin whose Service no TargetGroupBinding (or more than one) binds. */
  | 'NoTargetGroup';

/** A metric check that cannot be turned into a query; the message names the check. */
export class CheckResolutionError extends InvalidError {
  override readonly name: string = 'CheckResolutionError';
  constructor(
    readonly reason: CheckResolutionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A query template that cannot be rendered (unknown variable, unsupported expression). */
export class TemplateRenderError extends InvalidError {
  override readonly name: string = 'TemplateRenderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Client options that cannot work (bad address, unsupported auth combination). */
export class PrometheusConfigError extends InvalidError {
  override readonly name: string = 'PrometheusConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
