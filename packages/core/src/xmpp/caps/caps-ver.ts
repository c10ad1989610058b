// XEP-0115 §5.1 verification string, §5.4 processing of a received disco#info.
import { createHash } from "node:crypto";
import { formTypeOf, type DataForm, type DiscoInfo } from "./disco-info.js";

/** IANA hash names (XEP-0115 §5.1 step 7) mapped to node:crypto names. */
const HASHES: Record<string, string> = { "sha-1": "sha1", "sha-224": "sha224", "sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512" };

export function isSupportedCapsHash(hash: string): boolean {
  return hash.toLowerCase() in HASHES;
}

/** XEP-0115 §5.1: sort "by byte order" (i;octet of the UTF-8 form). */
function octetCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function identityKey(i: DiscoInfo["identities"][number]): string {
  return `${i.category}/${i.type}/${i.lang ?? ""}/${i.name ?? ""}`;
}

function formString(form: DataForm): string {
  // §5.1 step 5: FORM_TYPE first, then fields by var, each with its sorted values.
  let s = `${formTypeOf(form) ?? ""}<`;
  const fields = form.fields.filter((f) => f.var !== "FORM_TYPE").sort((a, b) => octetCompare(a.var, b.var));
  for (const f of fields) {
    s += `${f.var}<`;
    for (const v of [...f.values].sort(octetCompare)) s += `${v}<`;
  }
  return s;
}

/** The string S of XEP-0115 §5.1 (before hashing). */
export function capsVerString(info: DiscoInfo): string {
  const ids = info.identities.map(identityKey).sort(octetCompare);
  const features = [...info.features].sort(octetCompare);
  const forms = info.forms
    .filter((f) => formTypeOf(f) !== undefined)
    .sort((a, b) => octetCompare(formTypeOf(a) ?? "", formTypeOf(b) ?? ""));
  return ids.map((i) => `${i}<`).join("") + features.map((f) => `${f}<`).join("") + forms.map(formString).join("");
}

/** XEP-0115 §5.1: base64 of the hash of S. */
export function computeCapsVer(info: DiscoInfo, hash = "sha-1"): string {
  const algo = HASHES[hash.toLowerCase()];
  if (!algo) throw new RangeError(`unsupported caps hash ${hash}`);
  return createHash(algo).update(capsVerString(info), "utf8").digest("base64");
}

export type CapsCheck = { ok: true } | { ok: false; reason: string };

/**
 * XEP-0115 §5.4 steps 3.3-3.8: rejects duplicate identities, features or
 * FORM_TYPEs, ignores forms without a hidden FORM_TYPE, then compares `ver`.
 */
export function verifyCapsVer(info: DiscoInfo, ver: string, hash = "sha-1"): CapsCheck {
  if (!isSupportedCapsHash(hash)) return { ok: false, reason: `unsupported hash ${hash}` };
  const ids = info.identities.map(identityKey);
  if (new Set(ids).size !== ids.length) return { ok: false, reason: "duplicate identity" };
  if (new Set(info.features).size !== info.features.length) return { ok: false, reason: "duplicate feature" };
  const forms = info.forms.filter((f) => f.fields.some((x) => x.var === "FORM_TYPE" && x.type === "hidden"));
  const types = forms.map((f) => formTypeOf(f));
  if (new Set(types).size !== types.length) return { ok: false, reason: "duplicate FORM_TYPE" };
  for (const f of forms) {
    const fieldTypes = f.fields.filter((x) => x.var === "FORM_TYPE");
    if (fieldTypes.length !== 1 || (fieldTypes[0]?.values.length ?? 0) !== 1)
      return { ok: false, reason: "bad FORM_TYPE" };
  }
  const computed = computeCapsVer({ ...info, forms }, hash);
  return computed === ver ? { ok: true } : { ok: false, reason: `ver mismatch (computed ${computed})` };
}
