// The fields of a vCard we read and publish, shared by vcard-temp (XEP-0054) and vCard4 (XEP-0292).

export type VcardTel = { number: string; types: string[] };

export type Vcard = {
  fn?: string;
  nickname?: string;
  tels: VcardTel[];
  /** RFC 6350 §6.4.3 IMPP URIs: `sip:...`, `xmpp:...`. */
  impps: string[];
  emails: string[];
  /** vcard-temp JABBERID. */
  jabberId?: string;
};

export function emptyVcard(): Vcard {
  return { tels: [], impps: [], emails: [] };
}

/** The `sip:` / `sips:` IMPP addresses, in order. */
export function sipImpps(v: Vcard): string[] {
  return v.impps.filter((u) => /^sips?:/i.test(u));
}

/** The `xmpp:` IMPP addresses as bare JIDs (RFC 5122 §2: query and fragment dropped). */
export function xmppImpps(v: Vcard): string[] {
  return v.impps
    .filter((u) => /^xmpp:/i.test(u))
    .map((u) => decodeURIComponent(u.slice(5).replace(/^\/\/[^/]*\//, "").split(/[?#]/)[0] ?? ""))
    .filter((j) => j !== "");
}

/** A tel number without the `tel:` scheme (RFC 3966). */
export function telNumber(value: string): string {
  return value.replace(/^tel:/i, "").trim();
}
