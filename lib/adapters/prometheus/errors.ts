/**
 * Errors of the Prometheus adapter. Query failures are not here: the client returns them as
 * `QueryResult` values. These are configuration and rendering failures.
 */

/** Why a check could not be turned into a query. */
export type CheckResolutionReason =
  'UnknownBuiltin' | 'BuiltinNotAvailable' | 'TemplateNotFound' | 'TemplateRender' | 'InvalidInput';

/** A metric check that cannot be turned into a query; the message names the check. */
export class CheckResolutionError extends Error {
  override readonly name = 'CheckResolutionError';
  constructor(
    readonly reason: CheckResolutionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A query template that cannot be rendered (unknown variable, unsupported expression). */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Client options that cannot work (bad address, unsupported auth combination). */
export class PrometheusConfigError extends Error {
  override readonly name = 'PrometheusConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
