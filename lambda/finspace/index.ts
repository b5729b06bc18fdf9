/**
 * FinSpace Data API client used by the custom resource handler.
 */
export {
  FinSpaceDataClient,
  DEFAULT_CREDENTIAL_DURATION_MINUTES,
  type FinSpaceDataClientConfig,
  type FinSpaceDebugEvent,
  type KeepTrying,
} from './client';
export { credentialsFromEnvironment } from './environment-credentials';
export {
  VendedCredentialCache,
  sharedVendedCredentialCache,
  RENEWAL_MARGIN_MS,
  type VendedCredentials,
} from './credential-cache';
export { SERVICE_ENDPOINT_ENV, GLOBAL_ENDPOINT_ENV, IGNORE_ENDPOINT_ENV, type Endpoint } from './endpoint';
export {
  FinSpaceDataError,
  isFinSpaceError,
  type FinSpaceErrorName,
  type ModeledErrorName,
  type AuthErrorName,
} from './errors';
export * from './model';
export { OPERATIONS, OPERATION_NAMES, type OperationDescriptor } from './operations';
export * from './paginate';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE, createRetryStrategy, isTransient, type RetryMode } from './retry';
export { SendWindow, type WindowSlot } from './send-window';
export type { RequestHandler } from './transport';
export { signRequest, type SigningScope } from './sigv4';
