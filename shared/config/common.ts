/* Schema pieces shared by every command's configuration. */
import { z } from "zod";
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

export const bareJidSchema = z
  .string()
  .regex(/^[^@/\s]+@[^@/\s]+$/, "expected bare JIDs such as alice@example.org")
  .transform((jid) => jid.toLowerCase());

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
