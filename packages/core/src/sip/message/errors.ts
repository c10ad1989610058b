// RFC 3261 §21.4.1 (400), §21.5.6 (505), §21.5.7 (513): parse failures carry the status we'd answer.
import { ParseError } from "../../util/errors.js";

export class SipParseError extends ParseError {
  /** The status a server would answer: 400, 505 (bad version) or 513 (too large). */
  readonly status: 400 | 505 | 513;
  constructor(message: string, offset = 0, status: 400 | 505 | 513 = 400, options?: { cause?: unknown }) {
    super(message, offset, options);
    this.status = status;
  }
}

/** Re-throw a value-level error at an outer offset, optionally naming the header. */
export function atOffset(err: unknown, base: number, what?: string): SipParseError {
  const prefix = what === undefined ? "" : `${what}: `;
  if (err instanceof SipParseError) {
    return new SipParseError(`${prefix}${err.message}`, base + err.offset, err.status, { cause: err });
  }
  return new SipParseError(`${prefix}${String(err)}`, base, 400, { cause: err });
}
