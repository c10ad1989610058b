// RFC 7622 §3: JID parts (no stringprep; domains compared lower-case).

export type JidParts = { local: string; domain: string; resource: string };

/** Splits `local@domain/resource`; missing parts are "". */
export function parseJid(value: string): JidParts {
  const slash = value.indexOf("/");
  const head = slash >= 0 ? value.slice(0, slash) : value;
  const resource = slash >= 0 ? value.slice(slash + 1) : "";
  const at = head.indexOf("@");
  const local = at >= 0 ? head.slice(0, at) : "";
  const domain = (at >= 0 ? head.slice(at + 1) : head).toLowerCase();
  return { local, domain, resource };
}

/** `local@domain` of any JID, domain lower-cased. */
export function bareJid(value: string): string {
  const { local, domain } = parseJid(value);
  return local ? `${local}@${domain}` : domain;
}

export function resourceOf(value: string): string {
  return parseJid(value).resource;
}

/** Same bare JID (RFC 7622 §3.2: domain case-insensitive; local compared as given). */
export function sameBareJid(a: string, b: string): boolean {
  return bareJid(a) === bareJid(b);
}
