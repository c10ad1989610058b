// Environment overrides of the config file (docs/api.md "Configuration"):
// each CUSAX_* variable checked with its key's rule (schema.ts) and named in
// the message, e.g. `CUSAX_API_PORT: expected a port 0-65535, got "abc"`.
// An empty variable counts as unset. Passwords (CUSAX_*_PASSWORD[_FILE]) are
// read in config.ts.
import { z } from "zod";
import { fields, shown } from "./schema.js";

export type EnvOverrides = {
  aor?: string;
  transport?: z.infer<typeof fields.transport>;
  jid?: string;
  port?: number;
  level?: z.infer<typeof fields.level>;
  srtp?: z.infer<typeof fields.srtp>;
  dataDir?: string;
};

const portText = z
  .string()
  .regex(/^\d{1,5}$/, { error: (issue) => `expected a port 0-65535, got ${shown(issue.input)}` })
  .transform(Number)
  .pipe(fields.port);

const VARIABLES: { [K in keyof EnvOverrides]-?: { name: string; schema: z.ZodType<EnvOverrides[K]> } } = {
  aor: { name: "CUSAX_SIP_AOR", schema: fields.aor },
  transport: { name: "CUSAX_SIP_TRANSPORT", schema: fields.transport },
  jid: { name: "CUSAX_XMPP_JID", schema: fields.jid },
  port: { name: "CUSAX_API_PORT", schema: portText as z.ZodType<number> },
  level: { name: "CUSAX_LOG_LEVEL", schema: fields.level },
  srtp: { name: "CUSAX_MEDIA_SRTP", schema: fields.srtp },
  dataDir: { name: "CUSAX_DATA_DIR", schema: fields.path },
};

/** The overrides set in `env`; each bad value adds a line to `problems`. */
export function envOverrides(env: Record<string, string | undefined>, problems: string[]): EnvOverrides {
  const out: Record<string, unknown> = {};
  for (const [key, { name, schema }] of Object.entries(VARIABLES) as [keyof EnvOverrides, { name: string; schema: z.ZodType }][]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const r = schema.safeParse(raw);
    if (r.success) out[key] = r.data;
    else problems.push(`${name}: ${r.error.issues[0]?.message ?? `not allowed: ${shown(raw)}`}`);
  }
  return out as EnvOverrides;
}
