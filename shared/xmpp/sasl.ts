/* How a client authenticates: which SASL mechanism, over which stream, and with our SCRAM-SHA-1
 * (scram.ts) in place of the library's. The one place that reaches into @xmpp/client's private
 * `saslFactory._mechs`: saslmechanisms offers no way to replace a registered mechanism.
 * References: RFC 6120 §6.3.3 (mechanism choice), §6.4.6 (success with additional data),
 * §13.8 (no PLAIN without TLS); RFC 5802 §5.1 (the server-final-message in the success). */
import type { Client } from "@xmpp/client";
import { NS_SASL } from "./ns";
import { type ScramPrimitives, ScramSha1 } from "./scram";

interface MechanismFactory {
  _mechs: { name: string; mech: new () => unknown }[];
}

/**
 * The mechanism to use among those offered; throws when none is acceptable. SCRAM-SHA-1 first;
 * unless `scramOnly` (the dashboard), another offered mechanism, but only inside TLS
 * (RFC 6120 §13.8: never PLAIN in the clear).
 */
export function chooseMechanism(offered: readonly string[], secure: boolean, scramOnly = false): string {
  if (offered.includes("SCRAM-SHA-1")) return "SCRAM-SHA-1";
  if (scramOnly) throw new Error(`the server offers no SCRAM-SHA-1 (offered: ${offered.join(", ")})`);
  const mechanism = secure ? offered[0] : undefined;
  if (mechanism === undefined) {
    throw new Error(`no acceptable SASL mechanism offered (offered: ${offered.join(", ")})`);
  }
  return mechanism;
}

/**
 * Makes `xmpp` use ScramSha1 on `primitives` for SCRAM-SHA-1, and checks the server's signature
 * carried by <success/>: a mismatch is an error and ends the connection.
 */
export function useScram(xmpp: Client, primitives: ScramPrimitives): void {
  let current: ScramSha1 | null = null;
  class BoundScramSha1 extends ScramSha1 {
    constructor() {
      super(primitives);
      current = this;
    }
  }
  const factory = (xmpp as unknown as { saslFactory: MechanismFactory }).saslFactory;
  factory._mechs = [
    { name: "SCRAM-SHA-1", mech: BoundScramSha1 },
    ...factory._mechs.filter((entry) => entry.name !== "SCRAM-SHA-1"),
  ];
  xmpp.on("nonza", (element) => {
    if (!element.is("success", NS_SASL) || current === null) return;
    try {
      current.verifySuccess(decodeBase64Text(element.text()));
    } catch (error) {
      xmpp.emit("error", error as Error);
      void xmpp.disconnect();
    }
  });
}

/** The success element's text: base64 of UTF-8 ("=" alone means empty, RFC 6120 §6.4.6). */
function decodeBase64Text(text: string): string {
  if (text === "" || text === "=") return "";
  const binary = atob(text);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
