// docs/api.md "Browser sign-in and checks": what every request passes before
// it reaches a route. The Host check (against DNS rebinding), the Origin
// check for cookie-authenticated requests that change something (CSRF), and
// the security headers every answer carries (CSP, nosniff, no referrer).

/** Sent on every answer: JSON, static files, event streams, login pages. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export const SESSION_COOKIE = "cusax_session";

/**
 * The Host values we answer: the loopback names with our port, and the
 * configured extra ones (`api.allowedHosts`: "name" means name:PORT, "name:port" as written).
 */
export function allowedHostsFor(port: number, extra: readonly string[] = []): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  for (const h of extra) {
    const v = h.trim().toLowerCase();
    if (v === "") continue;
    hosts.add(/:\d+$/.test(v) ? v : `${v}:${port}`);
  }
  return hosts;
}

/** RFC 9110 §7.2: the Host header, compared without case. Missing or foreign: refused. */
export function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  return host !== undefined && allowed.has(host.trim().toLowerCase());
}

/** Methods that only read (RFC 9110 §9.2.1 "safe"); everything else needs the Origin check with a cookie. */
export const isSafeMethod = (method: string): boolean => method === "GET" || method === "HEAD";

/**
 * RFC 6454 §7: a cookie-authenticated request that is not safe must come from
 * our own origin, i.e. `http://` plus the (already checked) Host it was sent to.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  return origin.trim().toLowerCase() === `http://${host.trim().toLowerCase()}`;
}

/** The value of one cookie from a Cookie header (RFC 6265 §5.4), if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
