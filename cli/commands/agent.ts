/* `xiot agent`: runs the device agent until SIGINT/SIGTERM. Exits STATE_LOCKED_EXIT_CODE, naming
 * the holder, when another agent runs on the same state folder (agent/state-lock.ts). */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type AgentConfig, agentSchema } from "../../agent/config";
import { type Agent, createAgent } from "../../agent/main";
import { StateLockedError } from "../../agent/state-lock";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import { type Command, printReady, reportFailure, startCommand, untilSignal } from "../command";

/** sysexits EX_CANTCREAT: the state folder cannot be taken; another agent holds it. */
export const STATE_LOCKED_EXIT_CODE = 73;

export const agentCommand: Command = {
  name: "agent",
  summary: "Run the device agent: sample channels, publish readings to the hub, answer readouts and commands",
  usage: "xiot agent --config agent.json [--device.id ID] [--xmpp.service URI] [--xmpp.password SECRET] …",
  options: [
    {
      flag: "--config FILE",
      description: "JSON file with any of these keys (examples/agent-simulated.json)",
    },
    { flag: "--device.id ID", description: "device id; the JID is <id>@<xmpp.domain>/agent" },
    { flag: "--device.model NAME", description: "what meta calls this device (default xiot-agent)" },
    { flag: "--xmpp.service URI", description: "the server's client listener, e.g. xmpp://127.0.0.1:5222" },
    { flag: "--xmpp.domain NAME", description: "XMPP domain of the device account" },
    { flag: "--xmpp.username NAME", description: "account name (default device.id)" },
    { flag: "--xmpp.password SECRET", description: "account password" },
    { flag: "--xmpp.ca FILE", description: "PEM file of a private CA to trust (e.g. xiot server --public)" },
    { flag: "--xmpp.allowPlaintext", description: "authenticate without TLS to a server off loopback" },
    { flag: "--hub.jid JID", description: "the hub (default hub.<xmpp.domain>)" },
    {
      flag: "--state.dir DIR",
      description:
        "boot counter, outbox, seen command ids, actuator log, own password (default $XDG_STATE_HOME/xiot/agent-<device.id>, else ~/.local/state/xiot/agent-<device.id>)",
    },
    { flag: "--batch.maxReadings N", description: "most readings per published document (default 100)" },
    { flag: "--batch.maxDelayMs N", description: "longest a reading waits for its document (default 10000)" },
    { flag: "--outbox.maxRecords N", description: "documents kept while offline (default 100000)" },
    { flag: "--outbox.maxBytes N", description: "bytes kept while offline (default 32 MiB)" },
    { flag: "--outbox.policy P", description: "drop-oldest (gap recorded) | pause (default drop-oldest)" },
    { flag: "--outbox.fsync F", description: "always | interval:<ms> | never (default always)" },
    { flag: "--encoding E", description: "exi4json | json (default exi4json)" },
    { flag: "--allow JID,...", description: "bare JIDs allowed to read and control this device" },
    {
      flag: "--clock.synced S",
      description: "auto | true | false: is the board's clock synchronised (default auto)",
    },
    { flag: "--channels.NAME.intervalMs N", description: "sampling interval of one channel" },
    { flag: "--log.level L", description: "fatal|error|warn|info|debug|trace|silent (default info)" },
  ],
  async run(argv) {
    let agent: Agent | undefined;
    const stopSignal = untilSignal();
    try {
      const { config: loaded, log } = startCommand("agent", agentSchema, argv);
      const config = withCaBesideConfig(loaded as AgentConfig, configFileOf(argv));
      if (needsReexec(config.xmpp.ca)) return await reexecWithCa(config.xmpp.ca as string);
      agent = await createAgent(config, log);
      const started = agent.start().then(() => "online" as const);
      // Why: a signal can win the race; a later rejection (stopped before online) is expected then.
      started.catch(() => undefined);
      const first = await Promise.race([started, stopSignal]);
      if (first === "online") {
        printReady({ ready: true, jid: agent.jid, device: agent.device });
        await stopSignal;
      }
      await agent.stop();
      return 0;
    } catch (error) {
      // Why not rethrown: the failure is reported in one line; the agent is stopped as far as it got.
      await agent?.stop().catch(() => undefined);
      if (error instanceof StateLockedError) {
        process.stderr.write(`xiot agent: ${error.message}\n`);
        return STATE_LOCKED_EXIT_CODE;
      }
      return reportFailure("agent", error);
    }
  },
};

/** The --config file named on the command line or in XIOT_CONFIG. */
function configFileOf(argv: string[]): string | undefined {
  const at = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  if (at < 0) return process.env.XIOT_CONFIG;
  const arg = argv[at] as string;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[at + 1];
}

/** A relative xmpp.ca (a provisioning bundle says "ca.crt") is found beside the config file. */
function withCaBesideConfig(config: AgentConfig, file: string | undefined): AgentConfig {
  const ca = config.xmpp.ca;
  if (ca === undefined || isAbsolute(ca) || file === undefined) return config;
  const beside = resolve(dirname(file), ca);
  return existsSync(beside) && !existsSync(ca) ? { ...config, xmpp: { ...config.xmpp, ca: beside } } : config;
}
