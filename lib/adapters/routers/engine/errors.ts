/**
 * Errors of the routers that are about routing, not about reaching the API server (those are in
 * errors.ts). Both name the canary's object so that a history record explains itself.
 */
import { InvalidError } from '../../../ports/errors.js';

/**
 * The canary asks for something the provider cannot express: a weight other than 0/100 on the
 * `kubernetes` provider, mirroring on App Mesh, a suffix URI match on Gateway API. Not transient:
 * fix the Canary spec (or the decision that asked for it).
 */
export class UnsupportedRoutingError extends InvalidError {
  override readonly name: string = 'UnsupportedRoutingError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Defined at the port: the step matches it by class when it reads the routes. */
export { InvalidRoutesError } from '../../../ports/router.js';
