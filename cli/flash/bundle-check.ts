/* Why a bundle would make a card that cannot work: a server address that only means "this
 * machine" (a bundle made on `xiot up`), or simulated channels instead of the board's sensors.
 * `xiot flash` and `xiot provision` refuse such a bundle without --force.
 * References: RFC 1122 §3.2.1.3 (127.0.0.0/8), RFC 4291 §2.5.3 (::1), RFC 6761 §6.3 (localhost). */
import { isIP } from "node:net";

/** True for 127.0.0.0/8, ::1 (and ::ffff:127.x) and localhost names. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^(0:){7}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

function serviceHost(service: string): string | undefined {
  try {
    return new URL(service).hostname;
  } catch {
    return undefined; // not a URL: the agent's own schema reports it
  }
}

/** The problems of an agent configuration meant for a board, each saying what to do. */
export function bundleProblems(config: {
  xmpp?: { service?: unknown };
  channels?: Record<string, { model?: unknown }>;
}): string[] {
  const problems: string[] = [];
  const service = typeof config.xmpp?.service === "string" ? config.xmpp.service : undefined;
  const host = service === undefined ? undefined : serviceHost(service);
  if (host !== undefined && isLoopbackHost(host))
    problems.push(
      `its server ${service} is this machine's loopback address, which a board cannot reach: provision with --server xmpp://<public-host>:5222 (and run the server with --public)`,
    );
  const simulated = Object.entries(config.channels ?? {})
    .filter(([, c]) => typeof c.model === "string" && c.model.startsWith("sim-"))
    .map(([name, c]) => `${name} (${String(c.model)})`);
  if (simulated.length > 0)
    problems.push(
      `its channels are simulated: ${simulated.join(", ")}; provision with --model <model> (xiot devices lists them) or edit agent.json's channels`,
    );
  return problems;
}

/** One message for a refusal: the problems and how to go ahead anyway. */
export function bundleWarning(what: string, problems: string[]): string {
  return `${what} would not work on a board:\n  - ${problems.join("\n  - ")}\ngive --force to go ahead anyway`;
}
