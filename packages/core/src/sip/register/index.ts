// RFC 3261 §10, RFC 5626, RFC 5627: registration's public names.
export { Registration } from "./registration.js";
export type {
  FailureReason,
  RegisteredInfo,
  RegistrationEvents,
  RegistrationFailure,
  RegistrationOptions,
  RegistrationState,
  RegistrationTransactions,
  RegistrationTransport,
} from "./types.js";
export { CERTIFICATE_RETRY_MS, type RetryMode } from "./failure.js";
export { backoffDelay, DEFAULT_BACKOFF, type BackoffConfig } from "./backoff.js";
export { minExpires, readBinding, refreshDelay, type Binding } from "./binding.js";
export { buildKeepAliveOptions, buildRegister, instanceUrn, registrarFor, type RegisterFields } from "./build.js";
