/* Finds the prosody binary, installing Debian's package when xiot may (root on a Debian-family
 * system); otherwise says exactly what to run. Never touches /etc/prosody. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Logger } from "../shared/log";

export class ProsodyMissingError extends Error {}

export function findProsody(): string | null {
  const found = spawnSync("sh", ["-c", "command -v prosody"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : null;
}

export function ensureProsody(log: Logger): string {
  const found = findProsody();
  if (found) return found;
  const debian = existsSync("/etc/debian_version") && findCommand("apt-get");
  const root = process.getuid?.() === 0;
  if (!debian) {
    throw new ProsodyMissingError(
      "prosody is not installed. Install Prosody 0.12 with your system's package manager (Debian/Ubuntu: sudo apt-get install prosody).",
    );
  }
  if (!root) {
    throw new ProsodyMissingError("prosody is not installed. Run: sudo apt-get install -y prosody");
  }
  log.info("prosody is not installed: installing Debian's package with apt-get (this takes a minute)");
  try {
    execFileSync("apt-get", ["install", "-y", "prosody"], { stdio: ["ignore", 2, 2] });
  } catch {
    execFileSync("apt-get", ["update"], { stdio: ["ignore", 2, 2] });
    execFileSync("apt-get", ["install", "-y", "prosody"], { stdio: ["ignore", 2, 2] });
  }
  log.warn(
    "Debian's prosody package may start a system-wide Prosody on ports 5222/5269/5280; xiot runs its own. " +
      "To disable the system one: sudo systemctl disable --now prosody",
  );
  const installed = findProsody();
  if (!installed) throw new ProsodyMissingError("apt-get finished but prosody is still not on PATH");
  return installed;
}

function findCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}
