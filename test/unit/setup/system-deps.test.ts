import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module with no type declarations (it runs before dependencies exist)
import { plan, REQUIREMENTS } from "../../system-deps.mjs";

type Host = {
  command: (n: string) => boolean;
  run: () => boolean;
  file: () => boolean;
  debian: boolean;
  root: boolean;
};

function host(has: string[], opts: { debian?: boolean; root?: boolean } = {}): Host {
  return {
    command: (name) => has.includes(name),
    run: () => has.includes("slixmpp"),
    file: () => has.includes("chromium"),
    debian: opts.debian ?? true,
    root: opts.root ?? true,
  };
}
const everything = ["prosody", "socat", "openssl", "slixmpp", "chromium", "systemd-analyze", "faketime"];

describe("test setup: system programs", () => {
  it("does nothing on a machine that has everything", () => {
    expect(plan(host(everything))).toEqual({ action: "none", missing: [] });
  });

  it("installs exactly what is missing, as root on Debian", () => {
    const decided = plan(host(["socat", "openssl", "systemd-analyze"]));
    expect(decided.action).toBe("install");
    expect(decided.missing).toEqual(["prosody", "python3-slixmpp", "chromium", "faketime"]);
  });

  it("names the one command to run when not root", () => {
    const decided = plan(host(["prosody"], { root: false }));
    expect(decided.action).toBe("fail");
    expect(decided.message).toBe(
      "the tests need system packages. Run: sudo apt-get install -y socat openssl python3-slixmpp chromium systemd faketime",
    );
  });

  it("names the packages on a system without apt-get", () => {
    const decided = plan(
      host(
        everything.filter((p) => p !== "faketime"),
        { debian: false },
      ),
    );
    expect(decided.action).toBe("fail");
    expect(decided.message).toContain("faketime");
  });

  it("covers every program .ci/run used to install", () => {
    expect(REQUIREMENTS.map((r: { pkg: string }) => r.pkg).sort()).toEqual(
      ["chromium", "faketime", "openssl", "prosody", "python3-slixmpp", "socat", "systemd"].sort(),
    );
  });
});
