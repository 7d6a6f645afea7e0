/* `xiot up --json` on free ports in a given folder, as the tests of the whole stack start it. */
import { type CliProcess, runXiot } from "../helpers/cli";

/** The ready line of `xiot up --json` (a contract: README, issue of the dashboard). */
export interface UpReady {
  ready: true;
  dashboard: string;
  domain: string;
  c2s: string;
  component: string;
  websocket: string;
  hub: string;
  device: string;
  user: string;
  password: string;
}

export async function startStack(dir: string): Promise<{ proc: CliProcess; ready: UpReady }> {
  const free = ["--c2s-port", "0", "--component-port", "0", "--http-port", "0", "--dashboard-port", "0"];
  const proc = runXiot(["up", "--dir", dir, "--json", ...free]);
  return { proc, ready: await proc.ready<UpReady>(60_000) };
}
