/* `xiot provision <deviceId>`: an admin provisions a device over c2s and gets its bundle.
 * 1. refuse early, changing nothing, when the bundle folder exists or the hub knows the id;
 * 2. an account for the device: a pre-authenticated invite token from the server (Prosody
 *    mod_invites_adhoc), or with --password the account registered here in-band;
 * 3. the hub's "Provision a device" command: registration secret, claim key and URI, nodes;
 * 4. the bundle (cli/provision/bundle.ts) and the claim QR code on the terminal.
 * References: XEP-0050 §3.3, XEP-0401 §4, XEP-0077 §3.1, docs/provisioning.md. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import xml from "@xmpp/xml";
import { z } from "zod";
import { CMD_PROVISION } from "../../hub/devices/commands";
import { serviceSchema } from "../../shared/config/common";
import type { Logger } from "../../shared/log";
import { isDeviceId } from "../../shared/model";
import { runCommand } from "../../shared/xmpp/adhoc";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import { registerAccount } from "../../shared/xmpp/register";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { type Command, printReady, reportFailure, startCommand, UsageError } from "../command";
import { bundleProblems } from "../flash/bundle-check";
import { type BundleSpec, terminalQr, writeBundle } from "../provision/bundle";
import { channelsFor, DEFAULT_MODEL } from "../provision/channels";
import { connectSession } from "../provision/connect";
import { createAccountInvite } from "../provision/invite";
import { resolveSession, type Session, sessionSchema } from "../provision/session";

const provisionSchema = z.object({
  ...sessionSchema,
  device: z.string().optional(),
  model: z.string().min(1).default(DEFAULT_MODEL),
  /** A catalogue model's options (`--options.id 28-…`), checked by the model's schema. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** The server address written into the bundle, as the board will reach it. */
  server: serviceSchema.optional(),
  out: z.string().min(1).optional(),
  /** Register the device account here with a generated password instead of an invite token. */
  password: z.boolean().default(false),
  json: z.boolean().default(false),
});

export const provisionCommand: Command = {
  name: "provision",
  summary:
    "Provision a device: its account, its hub registration and a bundle with agent.json and a claim QR code",
  usage:
    "xiot provision <deviceId> [--model M [--options.K V]] [--server URI] [--out DIR] [--dir .xiot | --xmpp.service URI --xmpp.domain D --xmpp.username U --xmpp.password P]",
  options: [
    {
      flag: "--model M",
      description: `a simulated set or a model from the devices/ catalogue, e.g. ds18b20, pms5003 (default ${DEFAULT_MODEL})`,
    },
    { flag: "--options.K V", description: "the model's options, e.g. --options.path /dev/serial0" },
    {
      flag: "--server URI",
      description:
        "the server as the board reaches it, e.g. xmpp://hub.example.org:5222 (default: the login's)",
    },
    { flag: "--out DIR", description: "bundle folder (default ./<deviceId>.xiot); must not exist" },
    {
      flag: "--dir DIR",
      description: "a stack made by `xiot up`: admin login from accounts.json (default .xiot)",
    },
    { flag: "--xmpp.service URI", description: "client listener, e.g. xmpp://127.0.0.1:5222" },
    { flag: "--xmpp.domain D", description: "the XMPP domain" },
    { flag: "--xmpp.username U", description: "an account that is hub admin and server admin" },
    { flag: "--xmpp.password P", description: "its password" },
    { flag: "--xmpp.ca FILE", description: "the server's private CA (copied into the bundle)" },
    { flag: "--hub.jid JID", description: "the hub (default hub.<domain>)" },
    {
      flag: "--password",
      description:
        "register the device account here and put its password in the bundle (servers without invites)",
    },
    { flag: "--json", description: "print one JSON line instead of the text and QR code" },
  ],
  async run(argv) {
    try {
      const [first, ...rest] = argv;
      const positional = first !== undefined && !first.startsWith("-");
      const { config, log } = startCommand("provision", provisionSchema, positional ? rest : argv);
      const deviceId = positional ? first : config.device;
      if (deviceId === undefined) throw new UsageError("give the device id: xiot provision <deviceId>");
      if (!isDeviceId(deviceId))
        throw new UsageError(`"${deviceId}" is not a device id (a-z, 0-9 and -, at most 63)`);
      const session = resolveSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const out = resolve(config.out ?? `${deviceId}.xiot`);
      if (existsSync(out)) throw new Error(`${out} already exists; nothing was changed`);
      // Checked before any account or registration is made. A bundle for this machine (a loopback
      // server, simulated channels) is fine to run here; `xiot flash` refuses it without --force.
      const { channels } = channelsFor(config.model, config.options);
      const service = config.server ?? session.client.service;
      const problems = bundleProblems({ xmpp: { service }, channels });
      if (problems.length > 0)
        log.warn(
          `the bundle for ${deviceId} runs on this machine but would not work on a board:\n  - ${problems.join("\n  - ")}\nxiot flash refuses it without --force`,
        );
      const connection = await connectSession(session, log);
      try {
        const spec = await provision(
          connection,
          session,
          { deviceId, model: config.model, out, password: config.password, service, channels },
          log,
        );
        const files = await writeBundle(spec);
        await report(spec, files, config.json);
      } finally {
        await connection.stop();
      }
      return 0;
    } catch (error) {
      return reportFailure("provision", error);
    }
  },
};

interface Request {
  deviceId: string;
  model: string;
  out: string;
  password: boolean;
  /** The server address for the bundle. */
  service: string;
  channels: Record<string, Record<string, unknown>>;
}

async function provision(
  conn: ClientConnection,
  session: Session,
  req: Request,
  log: Logger,
): Promise<BundleSpec> {
  await refuseKnown(conn, session.hub, req.deviceId);
  const { domain } = session.client;
  let account: BundleSpec["account"];
  if (req.password) {
    const password = randomBytes(18).toString("base64url");
    await registerAccount({
      config: { ...session.client, username: req.deviceId, password, resource: undefined },
      log,
    });
    account = { password };
  } else {
    account = { token: (await createAccountInvite(conn.request, domain)).token };
  }
  const result = await runCommand(conn.request, {
    to: session.hub,
    node: CMD_PROVISION,
    fields: { device: req.deviceId, model: req.model },
  }).catch((error: unknown) => {
    throw explainHubError(error, req.deviceId, session.hub);
  });
  const field = (name: string) => {
    const v = result.form?.fields.get(name)?.[0];
    if (v === undefined) throw new Error(`the hub's answer lacks ${name}`);
    return v;
  };
  return {
    out: req.out,
    deviceId: req.deviceId,
    model: req.model,
    service: req.service,
    domain,
    hub: session.hub,
    account,
    registrationSecret: field("registration-secret"),
    claimKey: field("claim-key"),
    claimUri: field("claim-uri"),
    nodes: Object.fromEntries(
      ["readings", "state", "availability", "meta"].map((k) => [k, field(`node-${k}`)]),
    ),
    channels: req.channels,
    ca: session.ca,
  };
}

/** Stops before any change when the hub already has the id (admins see every device). */
async function refuseKnown(conn: ClientConnection, hub: string, deviceId: string): Promise<void> {
  const answer = await conn.request(
    xml("iq", { type: "get", to: hub }, xml("devices", { xmlns: NS_XIOT_PROVISIONING })),
  );
  const known = answer
    .getChild("devices", NS_XIOT_PROVISIONING)
    ?.getChildren("device")
    .some((d) => d.attrs.id === deviceId);
  if (known) throw new Error(`${deviceId} is already provisioned on ${hub}; nothing was changed`);
}

function explainHubError(error: unknown, deviceId: string, hub: string): Error {
  if (!(error instanceof StanzaError)) return error as Error;
  if (error.condition === "conflict")
    return new Error(`${deviceId} is already provisioned on ${hub}; nothing was changed`);
  if (error.condition === "forbidden")
    return new Error(`${hub} refused: this account is not a hub admin (xiot hub --hub.admins)`);
  return new Error(`${hub} refused to provision ${deviceId}: ${error.message}`);
}

async function report(spec: BundleSpec, files: string[], json: boolean): Promise<void> {
  if (json) {
    printReady({
      ready: true,
      device: spec.deviceId,
      out: spec.out,
      files,
      claimUri: spec.claimUri,
      nodes: spec.nodes,
    });
    return;
  }
  const lines = [
    `Provisioned ${spec.deviceId} (${spec.model}) on ${spec.hub}.`,
    `Bundle: ${spec.out}`,
    ...files.map((f) => `  ${f}`),
    `Claim: ${spec.claimUri}`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}${await terminalQr(spec.claimUri)}\n`);
}
