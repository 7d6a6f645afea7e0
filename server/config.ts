/* `xiot server` configuration. */
import { z } from "zod";
import { domainSchema, jidListSchema, logSchema, portSchema } from "../shared/config/common";

export const serverSchema = z.object({
  dir: z.string().min(1).default(".xiot/server"),
  domain: domainSchema.default("localhost"),
  c2sPort: portSchema.default(5222),
  componentPort: portSchema.default(5347),
  httpPort: portSchema.default(5280),
  httpsPort: portSchema.optional(),
  s2sPort: portSchema.optional(),
  public: z.boolean().default(false),
  smacksHibernation: z.number().int().min(1).default(600),
  /** Server administrators (Prosody's `admins`): may create invites and run admin commands. */
  admins: jidListSchema.default([]),
  /** How long invitations (pre-authenticated registration tokens) stay valid, in seconds. */
  inviteExpiry: z
    .number()
    .int()
    .min(60)
    .default(7 * 86400),
  prosodyLogLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  log: logSchema,
});

export type ServerConfig = z.infer<typeof serverSchema>;
