// Node tls: one SecureContext per trust configuration (Node's root
// certificates plus the caller's PEM CAs), shared by every connection that
// trusts the same CAs. Passing `ca` to tls.connect builds a new OpenSSL
// certificate store per connection (~140 roots, close to 1 MiB each); a
// shared context builds it once.
import { createHash } from "node:crypto";
import tls from "node:tls";

/** Distinct trust configurations kept; the least recently used goes first. */
const MAX_CONTEXTS = 16;
const contexts = new Map<string, tls.SecureContext>();

function keyOf(ca: readonly string[]): string {
  const h = createHash("sha256");
  for (const pem of ca) h.update(pem).update("\0");
  return h.digest("hex");
}

/**
 * The secure context trusting Node's roots plus `ca` ("added to trust", not
 * replacing it), or undefined when `ca` is empty: then Node's default context
 * (its shared root store) is the right one.
 */
export function sharedSecureContext(ca: readonly string[] | undefined): tls.SecureContext | undefined {
  if (!ca || ca.length === 0) return undefined;
  const key = keyOf(ca);
  const found = contexts.get(key);
  if (found) {
    contexts.delete(key);
    contexts.set(key, found);
    return found;
  }
  const context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...ca] });
  contexts.set(key, context);
  if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  return context;
}

/** How many contexts are cached (for tests and benches). */
export function sharedSecureContextCount(): number {
  return contexts.size;
}
