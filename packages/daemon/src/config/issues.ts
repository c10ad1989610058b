// The schema's findings (schema.ts) as lines a person can act on: the key's
// path ("sip.password", "nat.turn[0].uri"), what was expected, and for an
// unknown key the known key at that level it most likely meant.
import { z } from "zod";

type Path = readonly PropertyKey[];

/** "sip.password", "nat.turn[0].uri"; the file itself is "(config)". */
export function pathName(path: Path): string {
  let name = "";
  for (const p of path) name += typeof p === "number" ? `[${p}]` : name === "" ? String(p) : `.${String(p)}`;
  return name || "(config)";
}

/** Optimal string alignment distance: edits, with a swap of neighbours counted as one ("medai" -> "media" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known key, when it is close enough to be a typo (at most 2 edits, and fewer than half the letters). */
export function suggest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { key: k, d };
  }
  return best && best.d <= 2 && best.d * 2 < Math.max(key.length, best.key.length) ? best.key : undefined;
}

/** The object schema at a path of the value (through optional, array and union wrappers). */
function objectAt(schema: z.ZodType, path: Path): z.ZodObject | undefined {
  let s: z.ZodType | undefined = schema;
  for (const p of [...path, undefined]) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodUnion) s = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject);
    if (p === undefined) break;
    if (s instanceof z.ZodArray) s = typeof p === "number" ? (s.element as z.ZodType) : undefined;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(p)];
    else s = undefined;
  }
  return s instanceof z.ZodObject ? s : undefined;
}

/** One line per finding, in the order of the file. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") {
      lines.push(`${pathName(issue.path)}: ${issue.message}`);
      continue;
    }
    const known = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
    for (const key of issue.keys) {
      const guess = suggest(key, known);
      const where = pathName([...issue.path, key]);
      const hint = guess ? `did you mean "${pathName([...issue.path, guess])}"?` : `known keys here: ${known.join(", ")}`;
      lines.push(`${where}: unknown key (${hint})`);
    }
  }
  return lines;
}

/**
 * The parts of `value` that pass, field by field (a bad field is left out), so
 * that one mistake is not followed by "missing" reports for its neighbours.
 */
export function salvage(schema: z.ZodType, value: unknown): unknown {
  let s = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      const v = salvage(field, (value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  const r = s.safeParse(value);
  return r.success ? r.data : undefined;
}
