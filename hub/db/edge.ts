/* The protocol edge of store failures: an IQ whose store write failed with a StoreError (a full
 * disk) is answered with that code from the one error table, not as a bug.
 * References: RFC 6120 §8.3.3.18 (resource-constraint, type `wait`), hub/db/errors.ts,
 * shared/xmpp/errors.ts, hub/iq-types.ts (a handler that throws is answered by the router).
 *
 * Services pass store rejections on (they are not theirs to decide); wrapping every route here
 * covers every service whose writes reach a store: PubSub, the device registry, control. */
import { makeError } from "../../shared/xmpp/errors";
import type { IqRoute } from "../iq-types";
import { isStoreError } from "./errors";

export function withStoreErrors(route: IqRoute): IqRoute {
  return {
    ...route,
    handler: async (ctx) => {
      try {
        return await route.handler(ctx);
      } catch (error) {
        if (isStoreError(error)) return makeError(error.code, { text: "storage is full; retry later" });
        throw error;
      }
    },
  };
}
