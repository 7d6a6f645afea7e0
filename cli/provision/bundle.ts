/* The device bundle `xiot provision` writes: everything a device needs at first boot, in one
 * folder that is created whole or not at all (written under a temporary name, then renamed).
 *   agent.json  agent configuration (mode 0600: it holds the invite token or the password and the
 *               hub's registration secret)
 *   ca.crt      the server's private CA, when it has one
 *   claim.txt   the claim xmpp: URI and key, for the owner (0600)
 *   claim.png   the claim URI as a QR code (0600)
 * References: docs/provisioning.md (bundle and first boot), XEP-0401 (preauth token),
 * RFC 5122 (xmpp: URIs). */
import { chmodSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import QRCode from "qrcode";

export interface BundleSpec {
  out: string;
  deviceId: string;
  model: string;
  service: string;
  domain: string;
  hub: string;
  /** Invite token (the device registers its own account) or a password (account made here). */
  account: { token: string } | { password: string };
  registrationSecret: string;
  claimKey: string;
  claimUri: string;
  nodes: Record<string, string>;
  channels: Record<string, unknown>;
  ca: string | undefined;
}

export function agentConfig(spec: BundleSpec): Record<string, unknown> {
  const account =
    "token" in spec.account
      ? { registration: { token: spec.account.token } }
      : { password: spec.account.password };
  return {
    device: { id: spec.deviceId, model: spec.model },
    xmpp: {
      service: spec.service,
      domain: spec.domain,
      username: spec.deviceId,
      ...account,
      ...(spec.ca !== undefined && { ca: "ca.crt" }),
    },
    hub: { jid: spec.hub, registrationSecret: spec.registrationSecret },
    channels: spec.channels,
  };
}

export function claimText(spec: BundleSpec): string {
  return [
    `Device: ${spec.deviceId} (${spec.model})`,
    `Claim URI: ${spec.claimUri}`,
    `Claim key: ${spec.claimKey}`,
    `Or send this chat message to ${spec.hub}: claim ${spec.deviceId} ${spec.claimKey}`,
    "",
  ].join("\n");
}

/** Writes the bundle; refuses when `out` exists. Returns the files written. */
export async function writeBundle(spec: BundleSpec): Promise<string[]> {
  const out = resolve(spec.out);
  if (existsSync(out)) throw new Error(`${out} already exists; remove it or choose --out`);
  const temp = mkdtempSync(join(dirname(out), `.${basename(out)}-`));
  try {
    const write = (name: string, data: string | Buffer, mode = 0o600) => {
      writeFileSync(join(temp, name), data, { mode });
      chmodSync(join(temp, name), mode); // the umask may have narrowed or the file existed
    };
    write("agent.json", `${JSON.stringify(agentConfig(spec), null, 2)}\n`);
    if (spec.ca !== undefined) {
      copyFileSync(spec.ca, join(temp, "ca.crt"));
      chmodSync(join(temp, "ca.crt"), 0o644);
    }
    write("claim.txt", claimText(spec));
    write(
      "claim.png",
      await QRCode.toBuffer(spec.claimUri, { type: "png", errorCorrectionLevel: "M", margin: 2 }),
    );
    chmodSync(temp, 0o700);
    renameSync(temp, out);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return ["agent.json", ...(spec.ca !== undefined ? ["ca.crt"] : []), "claim.txt", "claim.png"].map((f) =>
    join(out, f),
  );
}

/** The claim URI as a QR code for a terminal (UTF-8 half blocks). */
export const terminalQr = (text: string): Promise<string> =>
  QRCode.toString(text, { type: "terminal", small: true });
