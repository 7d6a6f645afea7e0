// Installs the system programs the tests drive (the way `xiot up` installs Prosody): as root on
// a Debian-family system with apt-get; otherwise prints the one command to run and fails.
// Runs before `npm test` and `npm run test:soak` (their `pre` scripts), so
// `npm install && npm test` works on a fresh machine by itself.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** What each test family needs: a check, and the Debian package that satisfies it. */
export const REQUIREMENTS = [
  { pkg: "prosody", why: "the XMPP server every end-to-end test starts", has: (h) => h.command("prosody") },
  { pkg: "socat", why: "pty pairs for the serial-port tests", has: (h) => h.command("socat") },
  { pkg: "openssl", why: "certificates for --public", has: (h) => h.command("openssl") },
  {
    pkg: "python3-slixmpp",
    why: "the interoperability tests' independent client",
    has: (h) => h.run("/usr/bin/python3", ["-c", "import slixmpp"]),
  },
  { pkg: "chromium", why: "the dashboard's browser tests", has: (h) => h.file("/usr/bin/chromium") },
  {
    pkg: "systemd",
    why: "flashing tests verify units with systemd-analyze",
    has: (h) => h.command("systemd-analyze"),
  },
  { pkg: "faketime", why: "boards with a skewed clock", has: (h) => h.command("faketime") },
];

/** Decides what to do, from what the machine has; pure, so it is unit-tested. */
export function plan(host) {
  const missing = REQUIREMENTS.filter((r) => !r.has(host)).map((r) => r.pkg);
  if (missing.length === 0) return { action: "none", missing };
  const line = `apt-get install -y ${missing.join(" ")}`;
  if (!host.debian) {
    return {
      action: "fail",
      missing,
      message: `the tests need ${missing.join(", ")} (Debian package names); install them with your system's package manager`,
    };
  }
  if (!host.root)
    return { action: "fail", missing, message: `the tests need system packages. Run: sudo ${line}` };
  return { action: "install", missing };
}

export function realHost() {
  const run = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
  return {
    command: (name) => run("sh", ["-c", `command -v ${name}`]),
    run: (cmd, args) => existsSync(cmd) && run(cmd, args),
    file: (path) => existsSync(path),
    debian: existsSync("/etc/debian_version") && run("sh", ["-c", "command -v apt-get"]),
    root: process.getuid?.() === 0,
  };
}

function main() {
  const host = realHost();
  const decided = plan(host);
  if (decided.action === "fail") {
    console.error(`test setup: ${decided.message}`);
    process.exit(1);
  }
  if (decided.action === "install") {
    console.error(`test setup: installing ${decided.missing.join(" ")} with apt-get (a few minutes, once)`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const opts = { stdio: ["ignore", "ignore", 2], env };
    execFileSync("apt-get", ["update", "-qq"], opts);
    execFileSync("apt-get", ["install", "-y", "-qq", ...decided.missing], opts);
    const still = plan(realHost()).missing;
    if (still.length > 0) {
      console.error(`test setup: apt-get finished but ${still.join(", ")} is still missing`);
      process.exit(1);
    }
  }
  // Debian's package may start a system-wide Prosody on the standard ports; tests run their own
  // on free ports, but a system one holding 5222 confuses people reading logs. Stop it only when
  // we installed it just now, never one a user runs on purpose.
  if (decided.action === "install" && decided.missing.includes("prosody") && host.root) {
    spawnSync("sh", ["-c", "systemctl disable --now prosody || service prosody stop"], { stdio: "ignore" });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
