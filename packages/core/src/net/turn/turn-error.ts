// RFC 8656 §19 / RFC 8489 §14.8: a TURN request refused with an error code.
import { TransportError } from "../../util/errors.js";

const METHODS: Record<number, string> = { 3: "Allocate", 4: "Refresh", 8: "CreatePermission", 9: "ChannelBind" };

/** A refused TURN request: `code` is the STUN error code (401 wrong credentials, 437 allocation mismatch, 486 quota, ...). */
export class TurnError extends TransportError {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly method: number,
  ) {
    const hint = code === 401 ? " (wrong username or password)" : "";
    super(`TURN ${METHODS[method] ?? `method ${method}`} refused: ${code} ${reason}${hint}`);
  }
}
