// RFC 5627 §4.2 / §5.1, RFC 3261 §11 (OPTIONS), §12.2.1.1 (in-dialog request shape): does the registrar route
// our GRUU? Two OPTIONS to our own GRUU through the outbound proxy; success is our own probe arriving back.
// DECISION(protocol.md D23).
import { angle, buildRequest, newToken } from "../dialog/index.js";
import { parseUri, type SipRequest, type SipResponse } from "../message/index.js";
import type { ClientFailure } from "../transaction/index.js";
import type { CallContext } from "./context.js";

/** Every probe's Call-ID starts with this (world tests filter them out of message counts). */
export const GRUU_PROBE_CALL_ID_PREFIX = "cusax-gruu-probe-";
/** How long a probe may take before it counts as lost (a loaded proxy answers a loopback OPTIONS in well under this). */
export const GRUU_PROBE_TIMEOUT_MS = 4_000;
/** Call-IDs remembered so that a probe arriving late is still answered 200 (not 481). */
const REMEMBERED = 16;

export type ProbeResult = { arrived: true } | { arrived: false; reason: string };

/** (a): shaped like a peer's BYE after loose_route() (To tag, Route to the proxy); (b): an initial request. */
export type GruuProbeOutcome = { inDialog: ProbeResult; initial: ProbeResult };

export class GruuProbes {
  private readonly waiting = new Map<string, () => void>();
  private readonly issued: string[] = [];
  private readonly stopping = new Map<string, () => void>();

  constructor(
    private readonly ctx: CallContext,
    private readonly timeoutMs = GRUU_PROBE_TIMEOUT_MS,
  ) {}

  /** True when `request` is one of our probes reaching us (the core answers it 200); marks that probe arrived. */
  claims(request: SipRequest): boolean {
    const id = request.headers.callId() ?? "";
    if (!id.startsWith(GRUU_PROBE_CALL_ID_PREFIX) || !this.issued.includes(id)) return false;
    this.waiting.get(id)?.();
    return true;
  }

  /** Ends every probe still waiting (the UA stops). */
  close(): void {
    for (const stop of [...this.stopping.values()]) stop();
  }

  /** One round: both probes at once; resolves when each arrived, failed, or timed out. */
  async probe(gruu: string): Promise<GruuProbeOutcome> {
    const [inDialog, initial] = await Promise.all([this.one(gruu, true), this.one(gruu, false)]);
    return { inDialog, initial };
  }

  private remember(callId: string): void {
    this.issued.push(callId);
    if (this.issued.length > REMEMBERED) this.issued.shift();
  }

  private one(gruu: string, inDialog: boolean): Promise<ProbeResult> {
    const callId = `${GRUU_PROBE_CALL_ID_PREFIX}${newToken(10)}`;
    this.remember(callId);
    const send = this.sender(gruu, inDialog, callId);
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: ProbeResult) => {
        if (done) return;
        done = true;
        this.ctx.clock.clearTimeout(timer);
        this.waiting.delete(callId);
        this.stopping.delete(callId);
        resolve(result);
      };
      const timer = this.ctx.clock.setTimeout(() => finish({ arrived: false, reason: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
      this.waiting.set(callId, () => finish({ arrived: true }));
      this.stopping.set(callId, () => finish({ arrived: false, reason: "stopped" }));
      send(finish, () => done);
    });
  }

  /** Sends one probe through the outbound proxy (again with credentials after a 401/407); failures go to `finish`. */
  private sender(gruu: string, inDialog: boolean, callId: string) {
    const { ctx } = this;
    const uri = parseUri(gruu);
    const digest = ctx.newDigest();
    const fromTag = newToken();
    const to = inDialog ? `${angle(uri)};tag=${newToken()}` : angle(uri);
    let cseq = 0;
    const attempt = (finish: (r: ProbeResult) => void, isDone: () => boolean): void => {
      const request = buildRequest({
        method: "OPTIONS", uri, from: `${ctx.identity};tag=${fromTag}`, to, callId, cseq: ++cseq,
        via: ctx.via(), routes: ctx.outboundRoutes,
      });
      digest.authorize(request);
      ctx.request(request, {
        onResponse: (r) => {
          if (isDone() || r.status < 200) return;
          if ((r.status === 401 || r.status === 407) && cseq < 3) {
            const outcome = digest.onResponse(r);
            if (outcome.ok && outcome.retry) return attempt(finish, isDone);
          }
          finish({ arrived: false, reason: describe(r) });
        },
        onFailure: (f: ClientFailure) => finish({ arrived: false, reason: `request failed: ${f.reason}` }),
      });
    };
    return attempt;
  }
}

function describe(r: SipResponse): string {
  // A 2xx that did not come from us: the proxy answered the OPTIONS itself and never routed it.
  if (r.status < 300) return `${r.status} ${r.reason} from the proxy itself, the probe never reached us`;
  return `${r.status} ${r.reason}`;
}
