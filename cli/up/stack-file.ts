/* <dir>/stack.json: what the last `xiot up` of a folder chose that server.json does not hold (the
 * dashboard's address), so `--dashboard-port 0` keeps the same dashboard across restarts, as
 * `--c2s-port 0` keeps the client port (server/ports.ts previousPorts). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isPortFree } from "../../server/ports";

interface StackFile {
  dashboard: string;
}

export function stackFile(dir: string): string {
  return join(dir, "stack.json");
}

/** The dashboard port to ask the hub for: a fixed one as given; for 0, the last run's when it is
 * free on `host`, else 0 (the hub picks). */
export async function dashboardPort(dir: string, wanted: number, host: string): Promise<number> {
  if (wanted !== 0) return wanted;
  const earlier = lastDashboardPort(dir);
  return earlier !== undefined && (await isPortFree(earlier, host)) ? earlier : 0;
}

export function lastDashboardPort(dir: string): number | undefined {
  const file = stackFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    const { dashboard } = JSON.parse(readFileSync(file, "utf8")) as Partial<StackFile>;
    const port = Number(new URL(String(dashboard)).port);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    // Why: a torn or hand-edited file only means there is no earlier port to keep.
    return undefined;
  }
}

export function writeStackFile(dir: string, stack: StackFile): void {
  writeFileSync(stackFile(dir), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
}
