/* Schema pieces shared by every command's configuration.
 * References: RFC 7622 §3 (JIDs in hub.admins, server.admins and the agent's allow list are
 * prepared by shared/jid.ts, as every JID that enters the hub). */
import { z } from "zod";
import { normalizeJid } from "../jid";
import { LOG_LEVELS } from "../log";

export const logSchema = z
  .object({
    level: z.enum(LOG_LEVELS).default("info"),
    format: z.enum(["pretty", "json"]).default("pretty"),
  })
  .prefault({});

/** A TCP port; 0 asks for a free one. */
export const portSchema = z.number().int().min(0).max(65535);

export const domainSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i,
    "expected a domain name such as localhost or example.org",
  );

/** xmpp://host:port, xmpps://host:port or ws(s)://host:port/path. */
export const serviceSchema = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return ["xmpp:", "xmpps:", "ws:", "wss:"].includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}, "expected a service URI such as xmpp://127.0.0.1:5222");

/** Reconnect backoff: the first delay doubles up to the cap, jittered (shared/xmpp/backoff.ts). */
export const reconnectSchema = z
  .object({
    initialMs: z.number().int().min(100).default(1000),
    maxMs: z.number().int().min(100).default(60_000),
  })
  .refine((r) => r.maxMs >= r.initialMs, { message: "maxMs must be at least initialMs", path: ["maxMs"] })
  .prefault({});

/** A bare JID with a localpart (an account), prepared as every JID that enters the hub
 * (shared/jid.ts, RFC 7622 §3): `Alice@Example.ORG.` reads as `alice@example.org`. */
export const bareJidSchema = z.string().transform((value, ctx) => {
  const jid = normalizeJid(value);
  if (jid === undefined || jid.local === "" || jid.resource !== "") {
    ctx.addIssue({
      code: "custom",
      message: `expected a bare JID such as alice@example.org (RFC 7622), not ${JSON.stringify(value.slice(0, 64))}`,
    });
    return z.NEVER;
  }
  return jid.bare;
});

/** A list of bare JIDs given as repeated flags, a JSON array, or one comma-separated string. */
export const jidListSchema = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  z.array(bareJidSchema),
);
