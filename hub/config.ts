/* `xiot hub` configuration. --server-dir fills the xmpp keys from a running `xiot server`. */
import { z } from "zod";
import { domainSchema, logSchema, reconnectSchema, serviceSchema } from "../shared/config/common";

export const hubSchema = z.object({
  serverDir: z.string().min(1).optional(),
  xmpp: z
    .object({
      service: serviceSchema.optional(),
      domain: domainSchema.optional(),
      password: z.string().min(1).optional(),
      reconnect: reconnectSchema,
    })
    .prefault({}),
  log: logSchema,
});

export type HubConfigInput = z.infer<typeof hubSchema>;

export interface HubConfig {
  xmpp: {
    service: string;
    domain: string;
    password: string;
    reconnect?: HubConfigInput["xmpp"]["reconnect"];
  };
  log: HubConfigInput["log"];
}
