/* Command round trip through the hub: a person's chat message in → the hub's XEP-0325 set with
 * command metadata → the agent switches a simulated relay (fsyncing its command record and
 * actuator log) → its answer → the hub's reply out. Real Prosody, real hub and `xiot agent`
 * processes on loopback; commands one after another, alternating on and off.
 * Run: npm run bench:control [-- --commands 1000 --warmup 50] */
import { hubInbox, provision, say, stack, startAgent } from "../../test/e2e/control-setup";
import { eventually } from "../../test/helpers/agent/e2e";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const COMMANDS = arg("commands", 1000);
const WARMUP = arg("warmup", 50);
const ID = "bench-1";

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

async function main(): Promise<void> {
  const s = await stack();
  const { server } = s;
  let agent: ReturnType<typeof startAgent> | undefined;
  try {
    await server.hub([...s.hubArgs, "--log.level", "warn"]);
    const device = await provision(server, s.admin, ID);
    const alice = await server.client(await server.register("alice"));
    const inbox = hubInbox(alice);
    if ((await say(alice, inbox, `claim ${ID} ${device.claimKey}`)) !== `${ID} is yours now.`)
      throw new Error("claim failed");
    agent = startAgent(server, device.account, { extra: ["--log.level", "warn"] });
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, inbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
    const times: number[] = [];
    for (let i = 0; i < WARMUP + COMMANDS; i++) {
      const state = i % 2 === 0 ? "on" : "off";
      const t0 = process.hrtime.bigint();
      const reply = await say(alice, inbox, `${ID} relay ${state}`);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (reply !== `Done: ${ID} relay is ${state}.`) throw new Error(`command ${i}: ${reply}`);
      if (i >= WARMUP) times.push(ms);
    }
    const applied = agent.actuators().filter((l) => l.via === "xep-0325").length;
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const row = {
      commands: times.length,
      appliedByAgent: applied,
      p50: quantile(times, 0.5),
      p90: quantile(times, 0.9),
      p99: quantile(times, 0.99),
      max: times.at(-1),
      mean,
    };
    const f = (n: number | undefined) => (n ?? Number.NaN).toFixed(2);
    process.stdout.write(
      `chat → set → reply, ${row.commands} commands (after ${WARMUP} warm-up), loopback:\n` +
        `  p50 ${f(row.p50)} ms  p90 ${f(row.p90)} ms  p99 ${f(row.p99)} ms  max ${f(row.max)} ms  mean ${f(row.mean)} ms\n` +
        `  actuator changes logged by the agent: ${applied} (warm-up included)\n`,
    );
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    await agent?.proc.stop();
    await server.stop();
  }
}

await main();
