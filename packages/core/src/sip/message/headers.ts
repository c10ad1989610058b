// RFC 3261 §7.3: an ordered header list with case-insensitive, compact-form
// aware lookup (§7.3.3), comma-list splitting (§7.3.1) and cached typed access (§20).
import type { Contact, CSeq, FromTo, MediaType, NameAddr, SipHeaderEntry, SipHeaders, Via } from "./types.js";
import { atOffset } from "./errors.js";
import { canonicalName, headerKey, isListHeader, splitList } from "./names.js";
import { parseVia } from "./via.js";
import {
  parseCallId, parseContact, parseCSeq, parseDeltaSeconds, parseFromTo, parseMediaType, parseRoute, parseUint,
} from "./header-values.js";

/** One stored line: `key` is the lower-cased long name, `offset` where the value began in the message. */
export interface HeaderLine {
  name: string;
  value: string;
  key: string;
  offset: number;
}

export class SipHeaderList implements SipHeaders {
  private readonly lines: HeaderLine[];
  // Parsed values by key; ES private so deep-equality and console dumps ignore it.
  #cache: Record<string, unknown> | undefined;

  /** `init`: [name, value] pairs or entries, in order. `lines` is for the parser. */
  constructor(init?: Iterable<readonly [string, string] | SipHeaderEntry>, lines?: HeaderLine[]) {
    this.lines = lines ?? [];
    if (init) {
      for (const e of init) {
        const [name, value] = Array.isArray(e) ? (e as [string, string]) : [(e as SipHeaderEntry).name, (e as SipHeaderEntry).value];
        this.lines.push({ name, value, key: headerKey(name), offset: 0 });
      }
    }
  }

  /** Used by the parser: lines already keyed, with offsets. */
  static fromLines(lines: HeaderLine[]): SipHeaderList {
    return new SipHeaderList(undefined, lines);
  }

  get size(): number {
    return this.lines.length;
  }

  *[Symbol.iterator](): Iterator<SipHeaderEntry> {
    for (const l of this.lines) yield { name: l.name, value: l.value };
  }

  entries(): SipHeaderEntry[] {
    return this.lines.map((l) => ({ name: l.name, value: l.value }));
  }

  /** Lines with their lower-cased long key (for serializers and validators). */
  keyedLines(): readonly HeaderLine[] {
    return this.lines;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.lines.some((l) => l.key === key);
  }

  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const l of this.lines) {
      if (l.key !== key) continue;
      if (!isListHeader(key)) return l.value;
      const items = splitList(l.value);
      if (items.length > 0) return items[0];
    }
    return undefined;
  }

  getAll(name: string): string[] {
    const key = headerKey(name);
    const split = isListHeader(key);
    const out: string[] = [];
    for (const l of this.lines) {
      if (l.key !== key) continue;
      if (split) out.push(...splitList(l.value));
      else out.push(l.value);
    }
    return out;
  }

  set(name: string, value: string | string[]): void {
    const key = headerKey(name);
    const values = Array.isArray(value) ? value : [value];
    let at = this.lines.findIndex((l) => l.key === key);
    this.removeKey(key);
    if (at < 0 || at > this.lines.length) at = this.lines.length;
    this.lines.splice(at, 0, ...values.map((v) => ({ name, value: v, key, offset: 0 })));
  }

  append(name: string, value: string, opts?: { first?: boolean }): void {
    const key = headerKey(name);
    this.#cache = undefined;
    const line = { name, value, key, offset: 0 };
    if (opts?.first) this.lines.unshift(line);
    else this.lines.push(line);
  }

  delete(name: string): void {
    this.removeKey(headerKey(name));
  }

  clone(): SipHeaderList {
    return SipHeaderList.fromLines(this.lines.map((l) => ({ ...l })));
  }

  private removeKey(key: string): void {
    this.#cache = undefined;
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i]!.key === key) this.lines.splice(i, 1);
  }

  private cached<T>(key: string, compute: () => T): T {
    const cache = (this.#cache ??= {});
    if (key in cache) return cache[key] as T;
    const v = compute();
    cache[key] = v;
    return v;
  }

  /** Every list item of `key`, parsed; errors point at the line. */
  private list<T>(key: string, parse: (s: string) => T): T[] {
    return this.cached(key, () => {
      const out: T[] = [];
      for (const l of this.lines) {
        if (l.key !== key) continue;
        try {
          for (const item of splitList(l.value)) out.push(parse(item));
        } catch (e) {
          throw atOffset(e, l.offset, canonicalName(key));
        }
      }
      return out;
    });
  }

  /** The first line of `key`, parsed whole. */
  private single<T>(key: string, parse: (s: string) => T): T | undefined {
    return this.cached(key, () => {
      const l = this.lines.find((x) => x.key === key);
      if (!l) return undefined;
      try {
        return parse(l.value);
      } catch (e) {
        throw atOffset(e, l.offset, canonicalName(key));
      }
    });
  }

  via(): Via[] {
    return this.list("via", parseVia);
  }
  from(): FromTo | undefined {
    return this.single("from", parseFromTo);
  }
  to(): FromTo | undefined {
    return this.single("to", parseFromTo);
  }
  callId(): string | undefined {
    return this.single("call-id", parseCallId);
  }
  cseq(): CSeq | undefined {
    return this.single("cseq", parseCSeq);
  }
  maxForwards(): number | undefined {
    return this.single("max-forwards", (s) => parseUint(s, 255, "Max-Forwards"));
  }
  contact(): Contact[] | "*" {
    return this.cached("contact:typed", () => {
      const lines = this.lines.filter((l) => l.key === "contact");
      if (lines.some((l) => l.value.trim() === "*")) {
        if (lines.length > 1) throw atOffset(new Error("Contact: * must stand alone"), lines[0]!.offset, "Contact");
        return "*" as const;
      }
      return this.list("contact", parseContact);
    });
  }
  contentLength(): number | undefined {
    return this.single("content-length", (s) => parseUint(s, 2 ** 32 - 1, "Content-Length"));
  }
  contentType(): MediaType | undefined {
    return this.single("content-type", parseMediaType);
  }
  route(): NameAddr[] {
    return this.list("route", parseRoute);
  }
  recordRoute(): NameAddr[] {
    return this.list("record-route", parseRoute);
  }
  expires(): number | undefined {
    return this.single("expires", parseDeltaSeconds);
  }
}

/** The headers every layer reads, with their accessors: parsed eagerly by the parser, checked by validate. */
export const CORE_HEADERS: ReadonlyArray<readonly [name: string, read: (h: SipHeaders) => unknown]> = [
  ["Via", (h) => h.via()],
  ["From", (h) => h.from()],
  ["To", (h) => h.to()],
  ["Call-ID", (h) => h.callId()],
  ["CSeq", (h) => h.cseq()],
  ["Max-Forwards", (h) => h.maxForwards()],
  ["Contact", (h) => h.contact()],
  ["Content-Type", (h) => h.contentType()],
  ["Route", (h) => h.route()],
  ["Record-Route", (h) => h.recordRoute()],
  ["Expires", (h) => h.expires()],
];

/** A new, empty (or pre-filled) header list. */
export function createSipHeaders(init?: Iterable<readonly [string, string] | SipHeaderEntry>): SipHeaderList {
  return new SipHeaderList(init);
}
