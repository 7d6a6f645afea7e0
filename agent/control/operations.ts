/* Remote operations on the agent itself, for the device's controllers: `restart` and `reload`
 * (re-read the configuration), by chat (shared/chat/device-grammar.ts) or as a XEP-0325 `set` with
 * a reserved boolean parameter (`xiot:restart`, `xiot:reload`: a colon cannot appear in a channel
 * name, so they never clash). Both stop the agent gracefully and exit with RESTART_EXIT_CODE; the
 * service manager (systemd, Restart=always) starts it again, and the new process reads its
 * configuration file afresh.
 * References: XEP-0325 §3.1 (set), docs/design.md §3 (chat commands, one reply each). */
import type { Element } from "@xmpp/xml";
import type { Operation } from "../../shared/chat/device-grammar";

export type { Operation };

/** EX_TEMPFAIL: "try again", which is what the service manager does. */
export const RESTART_EXIT_CODE = 75;

export const OPERATION_PARAMETERS: Record<string, Operation> = {
  "xiot:restart": "restart",
  "xiot:reload": "reload",
};

/** The operation a control `set` asks for: exactly one reserved boolean parameter set to true. */
export function parseOperationSet(set: Element): Operation | undefined {
  const params = set.children.filter((c): c is Element => typeof c !== "string");
  if (params.length !== 1) return undefined;
  const [param] = params as [Element];
  const op = OPERATION_PARAMETERS[String(param.attrs.name)];
  if (op === undefined || param.name !== "boolean") return undefined;
  return param.attrs.value === "true" || param.attrs.value === "1" ? op : undefined;
}

export function operationReply(op: Operation): string {
  return op === "restart"
    ? "Restarting: the agent stops gracefully and the service manager starts it again."
    : "Reloading the configuration: the agent restarts and reads it again.";
}
