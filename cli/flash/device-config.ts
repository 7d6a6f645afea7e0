/* The device's configuration from its provisioning bundle: `<deviceId>` means ./<deviceId>.xiot/,
 * any folder with an agent.json the agent accepts works. A private CA next to it (xmpp.ca, a
 * relative path in bundles) is installed as /etc/xiot/ca.crt and the config points there. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { agentSchema } from "../../agent/config";
import { isDeviceId } from "../../shared/model";
import { bundleProblems } from "./bundle-check";
import { BOARD } from "./layout";

export class DeviceConfigError extends Error {}

export interface DeviceConfig {
  deviceId: string;
  /** The folder it came from. */
  source: string;
  /** agent.json as installed on the board (pretty JSON). */
  json: string;
  /** The CA's PEM, when the configuration names one. */
  ca?: Buffer;
  /** Why it would not work on a board (cli/flash/bundle-check.ts); empty when fine. */
  problems?: string[];
}

export function bundleDir(arg: string, cwd = process.cwd()): string {
  const asPath = resolve(cwd, arg);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  if (isDeviceId(arg)) return resolve(cwd, `${arg}.xiot`);
  return asPath;
}

export function loadDeviceConfig(arg: string, cwd = process.cwd()): DeviceConfig {
  const dir = bundleDir(arg, cwd);
  const file = join(dir, "agent.json");
  if (!existsSync(file))
    throw new DeviceConfigError(
      `no ${file}: give a device id with a bundle ./<deviceId>.xiot/ (xiot provision) or a folder with agent.json`,
    );
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new DeviceConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = agentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeviceConfigError(
      `${file}: ${issue?.path.join(".") || "(top)"}: ${issue?.message ?? "invalid"} — the agent would refuse it`,
    );
  }
  const xmpp = { ...(raw.xmpp as Record<string, unknown>) };
  let ca: Buffer | undefined;
  if (typeof xmpp.ca === "string") {
    const caPath = isAbsolute(xmpp.ca) ? xmpp.ca : join(dir, xmpp.ca);
    if (!existsSync(caPath)) throw new DeviceConfigError(`${file}: xmpp.ca: ${caPath} does not exist`);
    ca = readFileSync(caPath);
    xmpp.ca = BOARD.ca;
  }
  const installed = { ...raw, xmpp };
  return {
    deviceId: parsed.data.device.id,
    source: dir,
    json: `${JSON.stringify(installed, null, 2)}\n`,
    problems: bundleProblems(parsed.data),
    ...(ca ? { ca } : {}),
  };
}
