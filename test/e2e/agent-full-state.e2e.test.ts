/* The agent's whole state folder on a full disk, with real processes: the folder is a small tmpfs
 * that the test fills up between two runs. The agent still starts (the boot counter is rewritten
 * in place, commands.jsonl kept as it is when it cannot be compacted), a command it cannot record
 * durably is refused with wait/resource-constraint and nothing moves, and an actuator that moved
 * is reported as moved even when its actuator log line cannot be written.
 * References: docs/design.md §2 (command metadata), RFC 6120 §8.3.3.18. Needs root to mount the
 * tmpfs (CI runs as root). */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTUATOR_LOG } from "../../agent/control/actuators";
import { SEEN_FILE } from "../../agent/control/seen";
import { BOOT_SLOTS, parseCounterRecord } from "../../agent/readings/boot-id";
import type { ClientConnection } from "../../shared/xmpp/client";
import { type CommandMeta, makeControlSet } from "../../shared/xmpp/control";
import type { StanzaError } from "../../shared/xmpp/stanza-error";
import { runAgent } from "../helpers/agent/e2e";
import { type Account, startServer, type TestServer } from "./server";

const PAGE = 4096;

/** Writes `path` until the kernel says ENOSPC even for one byte. */
async function fill(path: string): Promise<void> {
  const handle = await open(path, "a");
  try {
    for (let chunk = 256 * 1024; chunk >= 1; chunk = Math.floor(chunk / 4)) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          if ((await handle.write(buf)).bytesWritten < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

/** Pads a line-oriented file with one blank line up to a page boundary, so that the next append
 * needs a new page (a blank line is skipped by every reader of these files). */
function padToPage(path: string): void {
  const size = statSync(path).size;
  const pad = (Math.floor(size / PAGE) + 1) * PAGE - size - 1;
  appendFileSync(path, `${" ".repeat(pad)}\n`);
}

const counter = (dir: string): number =>
  Math.max(
    ...BOOT_SLOTS.map((s) => {
      try {
        return parseCounterRecord(readFileSync(join(dir, s), "utf8")) ?? -1;
      } catch {
        return -1;
      }
    }),
  );

describe("xiot agent with its whole state folder on a full disk", () => {
  let server: TestServer;
  let stateDir = "";
  let device: Account;
  let operator: ClientConnection;
  let opJid = "";
  let agent: ReturnType<typeof runAgent> | undefined;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test mounts a tmpfs: run it as root (CI does)");
    stateDir = mkdtempSync(join(tmpdir(), "xiot-agent-state-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", stateDir]);
    server = await startServer();
    await server.hub();
    device = await server.register(`agent-state-full-${process.pid}`);
    const op = await server.register();
    opJid = op.jid;
    operator = await server.client(op);
  });
  afterAll(async () => {
    await agent?.proc.stop("SIGKILL");
    await server?.stop();
    if (stateDir !== "") {
      execFileSync("umount", [stateDir]);
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  const start = async () => {
    agent = runAgent({ server, account: device, stateDir, allow: [opJid], record: false });
    return (await agent.proc.ready<{ jid: string }>(30_000)).jid;
  };
  const relay = (to: string, value: boolean, cmd?: CommandMeta) =>
    operator.request(
      xml("iq", { type: "set", to }, makeControlSet([{ name: "relay", type: "boolean", value }], cmd)),
    );
  const cmd = (id: string): CommandMeta => ({ id, issued: Date.now(), ttl: 10_000 });

  it("starts, refuses what it cannot record, and reports what moved as moved", async () => {
    let jid = await start();
    await relay(jid, true, cmd("before-full"));
    expect(await agent?.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const before = counter(stateDir);
    expect(before).toBeGreaterThanOrEqual(0);

    padToPage(join(stateDir, SEEN_FILE));
    padToPage(join(stateDir, ACTUATOR_LOG));
    await fill(join(stateDir, "filler"));

    jid = await start();
    expect(counter(stateDir)).toBe(before + 1);

    // The command's id cannot be recorded before anything moves: refused, retry later.
    const error = (await relay(jid, false, cmd("while-full")).then(
      () => undefined,
      (e: unknown) => e,
    )) as StanzaError | undefined;
    expect(error?.type).toBe("wait");
    expect(error?.condition).toBe("resource-constraint");
    expect(error?.text).toContain("nothing was changed");

    // No id to record: the relay moves; the log line cannot be written, and the answer is done.
    await relay(jid, false);
    const logSize = statSync(join(stateDir, ACTUATOR_LOG)).size;
    expect(logSize % PAGE).toBe(0); // the line was not written: the disk is still full
    const since = agent?.proc.stderr.length ?? 0;
    await relay(jid, true);
    expect(agent?.proc.stderr.slice(since).some((l) => l.text.includes("actuation not written"))).toBe(true);
    expect(await agent?.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  }, 120_000);
});
