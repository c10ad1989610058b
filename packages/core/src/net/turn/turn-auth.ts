// RFC 8489 §9.2 long-term credentials as TURN uses them (RFC 8656 §7.1):
// the first request goes unauthenticated, a 401 brings REALM and NONCE, every
// later request carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY, and a
// 438 (Stale Nonce) is retried once with the new NONCE (§9.2.5).
import { attrText, errorCode, text } from "../stun/stun-attributes.js";
import { longTermKey } from "../stun/stun-integrity.js";
import { newTransactionId, verifyIntegrity, type ParsedStun } from "../stun/stun-message.js";
import type { StunPeer, StunTransactions } from "../stun/stun-transaction.js";
import { StunAttr, type StunAttribute, type StunMessage } from "../stun/stun-types.js";
import { TurnError } from "./turn-error.js";

export type TurnCredentials = { username: string; password: string };

/** A request's own attributes, or a function of its transaction ID (XOR-PEER-ADDRESS of IPv6 peers needs it). */
export type AttributesOf = StunAttribute[] | ((transactionId: Uint8Array) => StunAttribute[]);

type Realm = { realm: string; nonce: string; key: Uint8Array };

/** One server's long-term credential state; requests through it are authenticated. */
export class TurnAuth {
  private realm: Realm | undefined;
  /** 438 answers recovered from (a fresh nonce, one retry each). */
  staleNonces = 0;

  constructor(
    private readonly tx: StunTransactions,
    private readonly server: StunPeer,
    private readonly credentials: TurnCredentials,
  ) {}

  private message(method: number, attributes: AttributesOf): StunMessage {
    const transactionId = newTransactionId();
    const auth: StunAttribute[] = this.realm
      ? [
          { type: StunAttr.username, value: text(this.credentials.username) },
          { type: StunAttr.realm, value: text(this.realm.realm) },
          { type: StunAttr.nonce, value: text(this.realm.nonce) },
        ]
      : [];
    const own = typeof attributes === "function" ? attributes(transactionId) : attributes;
    return { method, cls: "request", transactionId, attributes: [...own, ...auth] };
  }

  private send(method: number, attributes: AttributesOf, signal?: AbortSignal): Promise<ParsedStun> {
    const m = this.message(method, attributes);
    const key = this.realm?.key;
    // §9.2.4: answers to an authenticated request must carry a valid MESSAGE-INTEGRITY (a 401/438 need not).
    const accept = (r: ParsedStun): boolean => {
      if (!key) return true;
      const code = r.message.cls === "error" ? errorCode(r.message)?.code : undefined;
      return code === 401 || code === 438 ? true : verifyIntegrity(r, key);
    };
    return this.tx.request(m, this.server, { ...(key && { integrity: { key } }), fingerprint: true, accept, ...(signal && { signal }) });
  }

  private learn(r: ParsedStun): boolean {
    const realm = attrText(r.message, StunAttr.realm) ?? this.realm?.realm;
    const nonce = attrText(r.message, StunAttr.nonce);
    if (realm === undefined || nonce === undefined) return false;
    this.realm = { realm, nonce, key: longTermKey(this.credentials.username, realm, this.credentials.password) };
    return true;
  }

  /** Sends an authenticated request; resolves with the success answer or rejects with a TurnError. */
  async request(method: number, attributes: AttributesOf, signal?: AbortSignal): Promise<ParsedStun> {
    // §9.2.5: a 401 to a request that carried credentials means they are wrong: no second try.
    let authed = this.realm !== undefined;
    let retried438 = false;
    let r = await this.send(method, attributes, signal);
    for (;;) {
      if (r.message.cls === "success") return r;
      const code = errorCode(r.message);
      if (code?.code === 401 && !authed && this.learn(r)) authed = true;
      else if (code?.code === 438 && !retried438 && this.learn(r)) {
        retried438 = true;
        this.staleNonces++;
      } else throw new TurnError(code?.code ?? 0, code?.reason ?? "error response without ERROR-CODE", method);
      r = await this.send(method, attributes, signal);
    }
  }
}
