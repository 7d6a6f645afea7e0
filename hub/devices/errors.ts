/* Device service failures on the wire: one table from codes to stanza errors.
 * References: RFC 6120 §8.3.3 (defined conditions; §8.3.3.12 policy-violation for a rate
 * limit, with `wait`), XEP-0347 §3.5 (claim errors). */
import type { Element } from "@xmpp/xml";
import { makeStanzaError } from "../../shared/xmpp/stanza-error";
import type { DeviceErrorCode, Fail } from "./types";

type ErrorType = "auth" | "cancel" | "modify" | "wait";

export const DEVICE_ERRORS: Readonly<Record<DeviceErrorCode, { type: ErrorType; condition: string }>> = {
  "bad-request": { type: "modify", condition: "bad-request" },
  forbidden: { type: "auth", condition: "forbidden" },
  "item-not-found": { type: "cancel", condition: "item-not-found" },
  conflict: { type: "cancel", condition: "conflict" },
  "not-acceptable": { type: "modify", condition: "not-acceptable" },
  "not-authorized": { type: "auth", condition: "not-authorized" },
  "locked-out": { type: "wait", condition: "policy-violation" },
};

/** The `<error/>` of an IQ error reply; the text carries the detail and the retry time. */
export function makeDeviceError(failure: Fail): Element {
  const spec = DEVICE_ERRORS[failure.error];
  const retry = failure.retryAt === undefined ? "" : `retry after ${new Date(failure.retryAt).toISOString()}`;
  const text = [failure.detail, retry].filter(Boolean).join("; ");
  return makeStanzaError(spec.type, spec.condition, text ? { text } : {});
}
