/* The newcomer's path from `xiot provision` to `xiot flash` against a real Prosody and hub: a
 * bundle that only works on this machine (loopback server, simulated channels) is made with a
 * warning by provision and refused without --force by flash; --server and --model <catalogue
 * model> make one for a board. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runXiot } from "../helpers/cli";
import { makeBoot } from "./flash-fixture";
import { type Account, startServer, type TestServer } from "./server";

const W1_ID = "28-0316a27959ff";

describe("xiot provision → xiot flash", () => {
  let server: TestServer;
  let work: string;
  let admin: Account;

  beforeAll(async () => {
    server = await startServer(["--admins", "admin@localhost"]);
    admin = await server.register("admin");
    writeFileSync(join(server.dir, "accounts.json"), JSON.stringify({ admin }), { mode: 0o600 });
    await server.hub(["--hub.admins", "admin@localhost"]);
    work = mkdtempSync(join(tmpdir(), "xiot-provflash-"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function xiot(args: string[]) {
    const proc = runXiot(args);
    const exit = await proc.exited;
    return { code: exit.code, stderr: proc.stderr.map((l) => l.text).join("\n") };
  }
  const provision = (id: string, extra: string[]) =>
    xiot(["provision", id, "--dir", server.dir, "--out", join(work, `${id}.xiot`), "--json", ...extra]);
  const bundleOf = (id: string) => JSON.parse(readFileSync(join(work, `${id}.xiot`, "agent.json"), "utf8"));

  it("provision warns about a loopback, simulated bundle, saying what to do", async () => {
    const run = await provision("loop-1", []);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`its server ${server.info.c2s} is this machine's loopback address`);
    expect(run.stderr).toContain("--server xmpp://<public-host>:5222");
    expect(run.stderr).toContain("its channels are simulated: temperature (sim-temperature)");
    expect(run.stderr).toContain("xiot flash refuses it without --force");
    expect(existsSync(join(work, "loop-1.xiot", "agent.json"))).toBe(true);
  });

  it("--model ds18b20 gives that model's channel; flash refuses the loopback bundle until --force", async () => {
    const made = await provision("loop-2", ["--model", "ds18b20", "--options.id", W1_ID]);
    expect(made.code, made.stderr).toBe(0);
    const config = bundleOf("loop-2");
    expect(config.channels).toEqual({ temperature: { model: "ds18b20", options: { id: W1_ID } } });
    expect(config.device.model).toBe("ds18b20");
    expect(made.stderr).toContain("loopback address");

    const boot = makeBoot(join(work, "boot-2"));
    const bundle = join(work, "loop-2.xiot");
    const refused = await xiot(["flash", bundle, "--boot-only", "--boot", boot]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("would not work on a board");
    expect(refused.stderr).toContain("loopback address");
    expect(refused.stderr).not.toContain("simulated");
    expect(refused.stderr).toContain("nothing was written");
    expect(existsSync(join(boot, "xiot-agent.json"))).toBe(false);

    const forced = await xiot(["flash", bundle, "--boot-only", "--boot", boot, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(boot, "xiot-agent.json"), "utf8")).channels).toEqual(config.channels);
  });

  it("--server puts the public address in the bundle, which flashes without --force", async () => {
    const made = await provision("board-1", [
      "--server",
      "xmpp://iot.example.org:5222",
      "--model",
      "ds18b20",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(bundleOf("board-1").xmpp.service).toBe("xmpp://iot.example.org:5222");
    const boot = makeBoot(join(work, "boot-3"));
    const run = await xiot(["flash", join(work, "board-1.xiot"), "--boot-only", "--boot", boot]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(boot, "xiot-agent.json"))).toBe(true);
  });

  it("an unknown model lists the known ones; a bad model option names its flag", async () => {
    const unknown = await provision("odd-1", ["--model", "bme999"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model "bme999"; known models: .*xiot-simulated.*ds18b20/);
    expect(unknown.stderr).toContain("pms5003");
    const bad = await provision("odd-2", ["--model", "ds18b20", "--options.id", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--options.id: ds18b20: 1-Wire id such as 28-0316a27959ff");
    expect(existsSync(join(work, "odd-1.xiot")) || existsSync(join(work, "odd-2.xiot"))).toBe(false);
  });
});
