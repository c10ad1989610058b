// API errors: JSON bodies with a machine code and a readable message.

export type ApiErrorCode =
  | "unauthorized"
  | "forbidden-host"
  | "forbidden-origin"
  | "not-found"
  | "method-not-allowed"
  | "bad-request"
  | "payload-too-large"
  | "unsupported-media-type"
  | "conflict"
  | "unavailable"
  | "internal";

const statusOf: Record<ApiErrorCode, number> = {
  unauthorized: 401,
  // RFC 9110 §15.5.20: this server does not answer for that Host.
  "forbidden-host": 421,
  "forbidden-origin": 403,
  "not-found": 404,
  "method-not-allowed": 405,
  "bad-request": 400,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.status = statusOf[code];
  }
  toBody(): { error: { code: ApiErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
