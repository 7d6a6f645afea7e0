import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dashboardPort, lastDashboardPort, stackFile, writeStackFile } from "../../../../cli/up/stack-file";
import { pickFreePort } from "../../../../server/ports";

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-stack-file-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the dashboard port across restarts (stack.json)", () => {
  it("keeps the last run's port for --dashboard-port 0 while it is free", async () => {
    const dir = fresh();
    expect(await dashboardPort(dir, 0, "127.0.0.1")).toBe(0);
    const port = await pickFreePort();
    writeStackFile(dir, { dashboard: `http://127.0.0.1:${port}/` });
    expect(lastDashboardPort(dir)).toBe(port);
    expect(await dashboardPort(dir, 0, "127.0.0.1")).toBe(port);
    expect(await dashboardPort(dir, 8080, "127.0.0.1")).toBe(8080);
  });

  it("lets the hub pick again when the last port is taken now", async () => {
    const dir = fresh();
    const blocker = createServer().listen(0, "127.0.0.1");
    await once(blocker, "listening");
    try {
      const taken = (blocker.address() as AddressInfo).port;
      writeStackFile(dir, { dashboard: `http://127.0.0.1:${taken}/` });
      expect(await dashboardPort(dir, 0, "127.0.0.1")).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it("a torn file keeps nothing", () => {
    const dir = fresh();
    writeFileSync(stackFile(dir), '{"dashboard": "http://127.0.0.1:8');
    expect(lastDashboardPort(dir)).toBeUndefined();
  });
});
