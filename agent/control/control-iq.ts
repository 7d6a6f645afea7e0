/* XEP-0325 `set` requests → actuators, answered when the change is done.
 * References: XEP-0325 §3.1–3.3 (set, answered once done), §3.5 (errors naming the parameter),
 * docs/design.md §2 (`<cmd/>` metadata: deduplication, TTL by the hub's clock once known, seq per
 * channel and issuer; a command not applied is an error, never a setResponse), docs/protocol.md
 * ("XEP-0325 control": the refusals `clock-unknown`, `issued-in-future` and `stale-seq` carry an
 * application condition in `urn:xiot:command:0`). */
import type { Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import {
  type ControlProblem,
  makeSetResponse,
  parseCommandMeta,
  parseControlSet,
} from "../../shared/xmpp/control";
import { type ErrorCode, makeError } from "../../shared/xmpp/errors";
import type { Actuators } from "./actuators";
import { type Authority, bareJid } from "./authority";
import { type Operation, parseOperationSet } from "./operations";

export interface ControlOptions {
  actuators: Actuators;
  allowed: Authority;
  log: Logger;
  /** Carries out `xiot:restart` / `xiot:reload` after the result is sent; absent: not offered. */
  operate?: (op: Operation, from: string) => void;
}

/** XEP-0325 §3.5: a refused set, naming the parameter when the problem is about one (in
 * `<paramError/>`, or in the `var` of a command refusal such as `<stale-seq/>`). The codes
 * (ApplyResult's among them) are in shared/xmpp/errors.ts. */
const refuse = (code: ErrorCode, problem: ControlProblem): Element =>
  makeError(code, { text: problem.message, ...(problem.field !== undefined && { param: problem.field }) });

/** The iqCallee handler for `set` `<set xmlns='urn:xmpp:iot:control'/>`. */
export function controlHandler(o: ControlOptions) {
  return async (ctx: { stanza: Element; element: Element }): Promise<Element> => {
    const from = ctx.stanza.attrs.from as string | undefined;
    if (!(await o.allowed.mayControl(from))) {
      o.log.warn({ from }, "control refused: not allowed");
      return refuse("forbidden", { message: "not allowed to control this device" });
    }
    const op = o.operate ? parseOperationSet(ctx.element) : undefined;
    if (op && o.operate) {
      const operate = o.operate;
      o.log.warn({ from, op }, "remote operation requested");
      // After this handler's result has gone out: the iq layer sends it when the promise settles.
      setImmediate(() => operate(op, bareJid(from as string)));
      return makeSetResponse();
    }
    const params = parseControlSet(ctx.element);
    if (!params.ok) return refuse("bad-value", params.error);
    const cmd = parseCommandMeta(ctx.element) ?? parseCommandMeta(ctx.stanza);
    if (cmd && !cmd.ok) return refuse("bad-request", cmd.error);
    const result = await o.actuators.apply(
      params.value.map((p) => ({ channel: p.name, value: p.value })),
      { from: bareJid(from as string), via: "xep-0325", ...(cmd ? { cmd: cmd.value } : {}) },
    );
    if (result.ok) {
      if (result.ignored)
        o.log.info({ from, cmd: cmd?.ok ? cmd.value.id : undefined, why: result.ignored }, "command ignored");
      return makeSetResponse();
    }
    return refuse(result.error, {
      message: result.message,
      ...(result.field ? { field: result.field } : {}),
    });
  };
}
