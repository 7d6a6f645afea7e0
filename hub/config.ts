/* `xiot hub` configuration. --server-dir fills the xmpp keys from a running `xiot server`. */
import { z } from "zod";
import {
  domainSchema,
  jidListSchema,
  logSchema,
  portSchema,
  reconnectSchema,
  serviceSchema,
} from "../shared/config/common";
import { DEVICE_ID_RE } from "../shared/model";
import { parseDuration } from "../shared/time-range";
import { DEFAULT_MAX_REPLY_BYTES, REPLY_ENVELOPE_BYTES } from "../shared/xmpp/budget";
import { checkRetention, DEFAULT_RETENTION, type Retention } from "./history/types";

/** The tiers a device sets itself (zod leaves the others as undefined keys). */
const definedOf = (r: Partial<Retention>): Partial<Retention> =>
  Object.fromEntries(Object.entries(r).filter(([, ms]) => ms !== undefined));

const positive = z.number().int().positive();

/** A duration as people write it (`30d`, `12h`, shared/time-range.ts), ms, or "forever". */
const durationSchema = z.union([positive, z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  if (value === "forever") return Number.POSITIVE_INFINITY;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 30d or 12h, or "forever", got "${value}"`,
    });
    return z.NEVER;
  }
  return ms;
});
/** Room kept for the <iq/>, <pubsub/>, <items/> and RSM around the largest item. */

export const hubSchema = z.object({
  dir: z.string().min(1).default(".xiot/hub"),
  serverDir: z.string().min(1).optional(),
  xmpp: z
    .object({
      service: serviceSchema.optional(),
      domain: domainSchema.optional(),
      password: z.string().min(1).optional(),
      reconnect: reconnectSchema,
    })
    .prefault({}),
  hub: z
    .object({
      /** The users' domain; by default the component domain without its first label. */
      userDomain: domainSchema.optional(),
      admins: jidListSchema.default([]),
      allowLocalUsers: z.boolean().default(false),
    })
    .prefault({}),
  pubsub: z
    .object({
      maxPayloadBytes: positive.default(64 * 1024),
      maxNodesPerOwner: positive.default(1000),
      maxSubscriptionsPerNode: positive.default(10_000),
      publishRate: positive.default(200),
      publishBurst: positive.default(1000),
      maxItemsPerPage: positive.max(1000).default(100),
      maxItemsCeiling: positive.default(10_000),
      /** Largest reply the hub builds (items, node lists, subscriptions, affiliations), in bytes;
       * longer lists are cut and paged with RSM. Keep it well below the server's component
       * stanza limit (Prosody: component_stanza_size_limit, 512 KiB by default). */
      maxReplyBytes: positive.default(DEFAULT_MAX_REPLY_BYTES),
    })
    .prefault({})
    // One item of the largest payload, with its envelope, must fit one reply.
    .refine((p) => p.maxReplyBytes >= p.maxPayloadBytes + REPLY_ENVELOPE_BYTES, {
      path: ["maxReplyBytes"],
      message: `must be at least pubsub.maxPayloadBytes + ${REPLY_ENVELOPE_BYTES}`,
    }),
  availability: z
    .object({
      /** How often the hub pings each online agent (XEP-0199). */
      pingIntervalMs: positive.default(60_000),
      /** A ping unanswered this long makes the device offline. */
      pingTimeoutMs: positive.default(15_000),
      /** Online devices that publish no readings for this long become stale. */
      staleAfterMs: positive.default(600_000),
    })
    .prefault({}),
  devices: z
    .object({
      /** How long a device may cache a canRead/canControl decision. */
      decisionTtlMs: positive.default(300_000),
      lockout: z
        .object({
          /** Wrong claim keys allowed before the first lockout. */
          freeFailures: z.number().int().min(0).default(5),
          /** First lockout; doubles with each further failure. */
          baseMs: positive.default(1000),
          maxMs: positive.default(3_600_000),
          /** A claimant or device quiet this long starts again from zero failures. */
          resetAfterMs: positive.default(86_400_000),
        })
        .prefault({}),
    })
    .prefault({}),
  control: z
    .object({
      /** How long the hub waits for a device to answer a command before "timed out". Keep it
       * above ttlMs plus the agents' clock error (about 1 s), so that a command the hub gave up
       * on can no longer run. */
      timeoutMs: positive.default(10_000),
      /** A command's time-to-live from when the hub issued it; the device refuses it later. */
      ttlMs: positive.default(8_000),
    })
    .prefault({}),
  http: z
    .object({
      /** The hub's HTTP listener (dashboard, /config.json, /metrics, /healthz); 0 picks a free port. */
      port: portSchema.default(8080),
      /** Loopback by default: the dashboard and /metrics are for this machine unless asked. */
      host: z.string().min(1).default("127.0.0.1"),
      /** The XMPP server's WebSocket (RFC 7395) URL the dashboard logs in through. */
      websocket: serviceSchema.optional(),
      /** PEM files to serve HTTPS with (--server-dir of a --public server fills them with the
       * server's certificate). Without them the listener stays on loopback. */
      tls: z.object({ certificate: z.string().min(1), key: z.string().min(1) }).optional(),
      enabled: z.boolean().default(true),
    })
    .prefault({}),
  history: z
    .object({
      /** How long each tier keeps data (docs/history.md): a duration (30d, 12h) or "forever". */
      retention: z
        .object({
          raw: durationSchema.default(DEFAULT_RETENTION.raw),
          "1m": durationSchema.default(DEFAULT_RETENTION["1m"]),
          "1h": durationSchema.default(DEFAULT_RETENTION["1h"]),
        })
        .prefault({})
        .superRefine((r, ctx) => {
          const problem = checkRetention(r);
          if (problem)
            ctx.addIssue({ code: "custom", message: problem.replace(/^history\.retention\.\S+ /, "") });
        }),
      /** Devices with their own retention: `history.devices.<id>.retention.<tier>`; a tier left
       * out is the hub's. */
      devices: z
        .record(
          z.string().regex(DEVICE_ID_RE, `a device id (${DEVICE_ID_RE.source})`),
          z
            .object({
              retention: z
                .object({
                  raw: durationSchema.optional(),
                  "1m": durationSchema.optional(),
                  "1h": durationSchema.optional(),
                })
                .strict()
                .prefault({}),
            })
            .strict(),
        )
        .default({}),
      /** How often retention is enforced, and how many rows one step deletes at most. */
      pruneIntervalMs: positive.default(60_000),
      pruneBatch: positive.default(5000),
    })
    .prefault({})
    .superRefine((h, ctx) => {
      for (const [id, own] of Object.entries(h.devices)) {
        const problem = checkRetention({ ...h.retention, ...definedOf(own.retention) });
        if (!problem) continue;
        const tier = /^history\.retention\.(\S+) /.exec(problem)?.[1] ?? "raw";
        ctx.addIssue({
          code: "custom",
          path: ["devices", id, "retention", tier],
          message: `${problem.replace(/^history\.retention\.\S+ /, "")} (with the hub's retention for the tiers not set)`,
        });
      }
    })
    .transform(({ devices, ...h }) => ({
      ...h,
      retention: {
        ...h.retention,
        devices: Object.fromEntries(
          Object.entries(devices).map(([id, own]) => [id, { ...h.retention, ...definedOf(own.retention) }]),
        ) as Record<string, Retention>,
      },
    })),
  storage: z
    .object({
      /** SQLite file; default <dir>/hub.sqlite. */
      path: z.string().min(1).optional(),
      commitWindowMs: z.number().min(0).max(100).default(0),
      /** Check of every store file at start: quick_check, or the full integrity_check. */
      check: z.enum(["quick", "full"]).default("quick"),
    })
    .prefault({}),
  log: logSchema,
});

export type HubConfigInput = z.infer<typeof hubSchema>;

export interface HubConfig extends Omit<HubConfigInput, "serverDir" | "xmpp"> {
  xmpp: {
    service: string;
    domain: string;
    password: string;
    reconnect?: HubConfigInput["xmpp"]["reconnect"];
  };
}
