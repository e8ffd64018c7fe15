// Clerk's error envelope: `{ errors: [{ message, long_message, code, meta? }], clerk_trace_id }`.
// @clerk/backend turns it into ClerkAPIResponseError (status, errors[].code, clerkTraceId).
import { randomToken } from './ids.ts';

export interface ClerkErrorBody {
  errors: { message: string; long_message: string; code: string; meta?: Record<string, unknown> }[];
  meta?: Record<string, unknown>;
  clerk_trace_id: string;
}

export interface ApiError {
  status: number;
  body: ClerkErrorBody;
  headers?: Record<string, string>;
}

export function apiError(status: number, code: string, message: string, longMessage = message, meta?: Record<string, unknown>): ApiError {
  return {
    status,
    body: { errors: [{ message, long_message: longMessage, code, ...(meta ? { meta } : {}) }], clerk_trace_id: randomToken(16) },
  };
}

export const errors = {
  missingAuthorization: () =>
    apiError(401, 'authorization_header_format_invalid', 'Invalid Authorization header format', "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'"),
  invalidSecretKey: () =>
    apiError(401, 'clerk_key_invalid', 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.'),
  notFound: (what: string) => apiError(404, 'resource_not_found', 'not found', `${what} not found`),
  paramMissing: (param: string) =>
    apiError(422, 'form_param_missing', 'missing data', `${param} must be included.`, { param_name: param }),
  paramInvalid: (param: string, detail: string) =>
    apiError(422, 'form_param_value_invalid', 'is invalid', `${param} ${detail}`, { param_name: param }),
  paramUnknown: (param: string) =>
    apiError(422, 'form_param_unknown', 'is unknown', `${param} is not a valid parameter for this request.`, { param_name: param }),
  /** Clerk answers 400 "cannot revoke" once a token was accepted (or already revoked). */
  cannotRevoke: () => apiError(400, 'actor_token_cannot_be_revoked', 'cannot revoke', 'Only pending actor tokens can be revoked.'),
  malformedBody: (detail: string) => apiError(400, 'malformed_request', 'malformed request', detail),
  tooManyRequests: (retryAfterSeconds: number) => ({
    ...apiError(429, 'too_many_requests', 'Too Many Requests', 'Too many requests, please try again later.'),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  injected: (status: number) =>
    apiError(status, 'sandbox_injected_fault', 'Injected fault', `The sandbox was told to answer this request with status ${status}.`),
  server: (status: number) =>
    apiError(status, 'internal_clerk_error', 'Oops, an unexpected error occurred', "There was an internal error on our servers. We've been notified and are working on fixing it."),
};
