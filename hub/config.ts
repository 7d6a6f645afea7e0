/* `xiot hub` configuration. --server-dir fills the xmpp keys from a running `xiot server`. */
import { z } from "zod";
import {
  domainSchema,
  jidListSchema,
  logSchema,
  reconnectSchema,
  serviceSchema,
} from "../shared/config/common";

const positive = z.number().int().positive();

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
    })
    .prefault({}),
  storage: z
    .object({
      /** SQLite file; default <dir>/hub.sqlite. */
      path: z.string().min(1).optional(),
      commitWindowMs: z.number().min(0).max(100).default(0),
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
