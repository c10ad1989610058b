// What the API's handlers work on: the client, its store, and where call
// audio comes from and goes to. Plus the body checks every handler shares.
import type { CusaxClient, SipCall, SqliteStore } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { PlayChoice } from "./client-options.js";

export type RouteDeps = {
  client: CusaxClient;
  store: SqliteStore;
  play: PlayChoice;
  /** Where call recordings go. */
  recordings: string;
  /** Subscription requests waiting for the user (approved by POST /contacts). */
  pendingSubscriptions: Set<string>;
  /** Told of every call placed through the API (to publish its state changes). */
  placed: (call: SipCall) => void;
};

export type Body = Record<string, unknown>;

export function objectBody(value: unknown): Body {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ApiError("bad-request", "request body: expected a JSON object");
  return value as Body;
}

export function stringField(body: Body, name: string, required: true): string;
export function stringField(body: Body, name: string, required: false): string | undefined;
export function stringField(body: Body, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || v.trim() === "") throw new ApiError("bad-request", `${name}: expected a non-empty string`);
  return v;
}

export const isSipAddress = (s: string): boolean => /^(sips?|tel):/i.test(s);
export const isJid = (s: string): boolean => /^[^@/\s:]+@[^@/\s]+$/.test(s);

export function requireJid(value: string, field: string): string {
  if (!isJid(value)) throw new ApiError("bad-request", `${field}: expected a bare JID "user@domain", got "${value}"`);
  return value.toLowerCase();
}

export function findCall(deps: RouteDeps, id: string): SipCall {
  const call = deps.client.sip.calls.find((c) => c.id === id);
  if (!call) throw new ApiError("not-found", `no current call with id "${id}" (see GET /calls)`);
  return call;
}
