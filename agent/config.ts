/* `xiot agent` configuration (docs/design.md §5: flags → XIOT_ variables → --config JSON file → defaults).
 * References: docs/design.md §2 (device ids, channel names). Device models and their options are checked
 * against the catalogue in channels.ts, which names the key of any problem. */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import {
  domainSchema,
  jidListSchema,
  logSchema,
  reconnectSchema,
  serviceSchema,
} from "../shared/config/common";
import { CHANNEL_RE, DEVICE_ID_RE } from "../shared/model";

const positiveInt = z.number().int().positive();
const finite = z.number().refine(Number.isFinite, "expected a finite number");

/** Sampling intervals: 10 ms is the fastest a Node timer is worth; a day the slowest. */
export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 86_400_000;

const filterSchema = z
  .object({
    calibration: z.object({ scale: finite.optional(), offset: finite.optional() }).optional(),
    clamp: z
      .object({ min: finite.optional(), max: finite.optional() })
      .refine((c) => (c.min ?? -Infinity) <= (c.max ?? Infinity), "clamp min must not exceed max")
      .optional(),
    deadband: z.number().min(0).optional(),
    throttleMs: z.number().min(0).optional(),
    heartbeatMs: z.number().positive().optional(),
  })
  .strict();

/** XIOT_ variables arrive lower-cased below `channels.<name>` (a record the key lookup cannot
 * see into): give the keys of a channel entry and its filters their schema spelling back. */
function canonicalKeys(value: unknown, shape: readonly string[]): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const byLower = new Map(shape.map((k) => [k.toLowerCase(), k]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [byLower.get(k.toLowerCase()) ?? k, v]));
}

const FILTER_KEYS = ["calibration", "clamp", "deadband", "throttleMs", "heartbeatMs"] as const;
const CHANNEL_KEYS = ["model", "options", "intervalMs", "jitter", "filters", "safeState"] as const;

const channelEntry = (v: unknown) => {
  const entry = canonicalKeys(v, CHANNEL_KEYS) as Record<string, unknown>;
  return entry && typeof entry === "object" && "filters" in entry
    ? { ...entry, filters: canonicalKeys(entry.filters, FILTER_KEYS) }
    : entry;
};

export const channelSchema = z
  .object({
    /** A model from the devices/ catalogue. */
    model: z.string().min(1, "expected a device model such as sim-temperature"),
    options: z.record(z.string(), z.unknown()).default({}),
    /** Polling period for polled sensors; actuators and push sensors report on change. */
    intervalMs: z
      .number()
      .int("expected whole milliseconds")
      .min(MIN_INTERVAL_MS, `the shortest interval is ${MIN_INTERVAL_MS} ms`)
      .max(MAX_INTERVAL_MS, `the longest interval is ${MAX_INTERVAL_MS} ms (a day)`)
      .default(1000),
    /** Each wait is drawn from interval × [1 − jitter, 1 + jitter]. */
    jitter: z.number().min(0).max(0.5).default(0.05),
    filters: filterSchema.default({}),
    /** Actuators: the state applied at shutdown instead of the model's safe state; "keep" leaves it. */
    safeState: z.union([z.boolean(), z.number(), z.literal("keep")]).optional(),
  })
  .strict();

export const agentSchema = z
  .object({
    device: z
      .object({
        id: z.string().regex(DEVICE_ID_RE, `expected a device id matching ${DEVICE_ID_RE.source}`),
        /** What the meta node calls this device. */
        model: z.string().min(1).default("xiot-agent"),
      })
      .strict(),
    xmpp: z
      .object({
        service: serviceSchema,
        domain: domainSchema,
        /** Defaults to device.id: the device JID is <device.id>@<domain>. */
        username: z.string().min(1).optional(),
        /** The account's password; absent on a provisioned device's first boot (registration below). */
        password: z.string().min(1).optional(),
        /** First boot of a provisioned device: register the account with this invite (XEP-0401). */
        registration: z
          .object({ token: z.string().min(1) })
          .strict()
          .optional(),
        /** PEM file of a private CA (applied through NODE_EXTRA_CA_CERTS, see shared/xmpp/ca.ts). */
        ca: z.string().min(1).optional(),
        allowPlaintext: z.boolean().default(false),
        reconnect: reconnectSchema,
        /** Publish IQs without an answer after this long count as lost (retried). */
        requestTimeoutMs: positiveInt.default(15_000),
        /** XEP-0199 ping to the server this often while online; silence for requestTimeoutMs reconnects. */
        pingIntervalMs: positiveInt.default(60_000),
      })
      .strict(),
    hub: z
      .object({
        jid: domainSchema.optional(),
        /** From the provisioning bundle: proves to the hub that this is the provisioned device. */
        registrationSecret: z.string().min(1).optional(),
      })
      .prefault({}),
    state: z
      .object({
        /** Default: a per-user folder named after the device (defaultStateDir). */
        dir: z.string().min(1).optional(),
        /** How often the state item (uptime) is republished besides every change. */
        intervalMs: positiveInt.default(300_000),
      })
      .prefault({}),
    batch: z
      .object({
        /** A burst cap: at steady rates maxDelayMs decides (4 channels at 1 Hz: 40 per document). */
        maxReadings: positiveInt.max(10_000).default(100),
        maxDelayMs: z.number().int().min(0).max(MAX_INTERVAL_MS).default(10_000),
      })
      .prefault({}),
    outbox: z
      .object({
        maxRecords: positiveInt.default(100_000),
        maxBytes: positiveInt.default(32 * 1024 * 1024),
        policy: z.enum(["drop-oldest", "pause"]).default("drop-oldest"),
        fsync: z
          .string()
          .regex(/^(always|never|interval:[1-9][0-9]*)$/, "expected always, never or interval:<ms>")
          .default("always"),
        maxInFlight: positiveInt.max(64).default(4),
      })
      .prefault({}),
    encoding: z.enum(["exi4json", "json"]).default("exi4json"),
    /** Bare JIDs allowed to read (XEP-0323) and control (XEP-0325, chat) this device. */
    allow: jidListSchema.default([]),
    clock: z
      .object({
        /** auto: ask the system (systemd-timesyncd, timedatectl), else compare with the server's clock. */
        synced: z.enum(["auto", "true", "false"]).or(z.boolean()).default("auto"),
        /** auto without system information: synchronised when within this of the server's clock. */
        maxOffsetMs: positiveInt.default(2000),
      })
      .prefault({}),
    control: z
      .object({
        /** Chat commands delivered later than this (offline storage) are refused. */
        chatTtlMs: positiveInt.default(60_000),
      })
      .prefault({}),
    debug: z
      .object({
        /** Append every reading the drivers produce to <state.dir>/produced.jsonl (tests, audits). */
        recordReadings: z.boolean().default(false),
      })
      .prefault({}),
    channels: z
      .record(
        z.string().regex(CHANNEL_RE, `channel names must match ${CHANNEL_RE.source}`),
        z.preprocess(channelEntry, channelSchema),
      )
      .refine((c) => Object.keys(c).length > 0, "configure at least one channel"),
    log: logSchema,
  })
  .refine((c) => c.xmpp.password !== undefined || c.xmpp.registration !== undefined, {
    message: "required (or xmpp.registration.token from a provisioning bundle)",
    path: ["xmpp", "password"],
  })
  .transform((c) => ({ ...c, state: { ...c.state, dir: c.state.dir ?? defaultStateDir(c.device.id) } }));

/** Where an agent keeps its state when state.dir is not given: per user, not in whatever folder
 * it was started from. XDG Base Directory: $XDG_STATE_HOME (absolute paths only), else
 * ~/.local/state; then xiot/agent-<device id>. */
export function defaultStateDir(deviceId: string, env = process.env, home = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, ".local", "state");
  return join(base, "xiot", `agent-${deviceId}`);
}

export type AgentConfig = z.infer<typeof agentSchema>;
export type ChannelConfig = AgentConfig["channels"][string];

/** The clock setting as one of three words (flags and variables give booleans). */
export function clockMode(config: AgentConfig): "auto" | "true" | "false" {
  const s = config.clock.synced;
  return typeof s === "boolean" ? (s ? "true" : "false") : s;
}
