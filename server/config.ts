/* `xiot server` configuration. */
import { z } from "zod";
import { domainSchema, jidListSchema, logSchema, portSchema } from "../shared/config/common";

/** A byte rate as Prosody's mod_limits reads it ("96kb/s": decimal units b, kb, mb), or "off". */
export const byteRateSchema = z
  .string()
  .regex(/^(off|[1-9][0-9]{0,9} ?(b|kb|mb)\/s)$/i, 'expected a byte rate such as "96kb/s" or "off"');

/** Defaults chosen by measurement (BENCHMARKS.md "Flood"). */
export const DEFAULT_RATES = { c2s: "96kb/s", s2sin: "1mb/s" } as const;

export const serverSchema = z.object({
  dir: z.string().min(1).default(".xiot/server"),
  domain: domainSchema.default("localhost"),
  c2sPort: portSchema.default(5222),
  componentPort: portSchema.default(5347),
  httpPort: portSchema.default(5280),
  httpsPort: portSchema.optional(),
  s2sPort: portSchema.optional(),
  public: z.boolean().default(false),
  /** Who may register an account in-band (XEP-0077): anyone (`open`), or only with an invitation
   * (`invite`, XEP-0401; `xiot invite` makes one). Default `open` on loopback, `invite` with
   * --public, where anyone on the network could otherwise make accounts. */
  registration: z.enum(["open", "invite"]).optional(),
  smacksHibernation: z.number().int().min(1).default(600),
  /** Server administrators (Prosody's `admins`): may create invites and run admin commands. */
  admins: jidListSchema.default([]),
  /** How long invitations (pre-authenticated registration tokens) stay valid, in seconds. */
  inviteExpiry: z
    .number()
    .int()
    .min(60)
    .default(7 * 86400),
  /** Bytes per second Prosody reads from each client session (mod_limits): a flooding device is
   * slowed at its own socket, before its stanzas share a stream with everyone else's
   * (BENCHMARKS.md "Flood"). Reading only: replies, exports and dashboards are not limited. */
  c2sRate: byteRateSchema.default(DEFAULT_RATES.c2s),
  /** The same for each incoming server-to-server stream (federation, with --s2s-port). */
  s2sRate: byteRateSchema.default(DEFAULT_RATES.s2sin),
  prosodyLogLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  log: logSchema,
});

export type ServerConfig = z.infer<typeof serverSchema>;
