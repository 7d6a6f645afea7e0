import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkRootfs,
  detectArch,
  groupMembers,
  lookupUser,
  systemdVersion,
} from "../../../../cli/flash/rootfs";

function tree(files: Record<string, string>, dirs: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), "xiot-rootfs-unit-"));
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PI = {
  "etc/os-release": 'ID=raspbian\nVERSION_CODENAME="bookworm"\n',
  "etc/rpi-issue": "Raspberry Pi reference\n",
  "etc/passwd": "root:x:0:0::/root:/bin/sh\nxiot:x:991:990::/var/lib/xiot:/usr/sbin/nologin\n",
  "etc/group": "gpio:x:993:pi,xiot\ni2c:x:994:\n",
};

describe("checkRootfs", () => {
  it("accepts a Raspberry Pi OS root and reads its codename", () => {
    const root = tree(PI, ["usr/lib/systemd"]);
    expect(checkRootfs(root)).toEqual({ ok: true, missing: [], osId: "raspbian", codename: "bookworm" });
  });

  it("names everything that is missing", () => {
    const root = tree({ "etc/os-release": "ID=ubuntu\n" });
    const check = checkRootfs(root);
    expect(check.ok).toBe(false);
    expect(check.missing).toEqual([
      "ID=debian or ID=raspbian in etc/os-release (it says ID=ubuntu)",
      "a Raspberry Pi marker (etc/rpi-issue or boot/firmware)",
      "usr/lib/systemd (systemd)",
      "etc/passwd",
      "etc/group",
    ]);
  });

  it("refuses a path that is not a folder", () => {
    expect(checkRootfs("/nonexistent/xiot-root").missing).toEqual([
      "/nonexistent/xiot-root is not a directory",
    ]);
  });

  it("takes /boot/firmware as the Raspberry Pi marker when rpi-issue is absent", () => {
    const { "etc/rpi-issue": _, ...rest } = PI;
    expect(checkRootfs(tree(rest, ["usr/lib/systemd", "boot/firmware"])).ok).toBe(true);
  });
});

describe("what a root is", () => {
  it("tells the architecture from the multiarch folder", () => {
    expect(detectArch(tree({}, ["usr/lib/aarch64-linux-gnu"]))).toBe("arm64");
    expect(detectArch(tree({}, ["usr/lib/arm-linux-gnueabihf"]))).toBe("armv7");
    expect(detectArch(tree({}, ["usr/lib/x86_64-linux-gnu"]))).toBe("x64");
    expect(detectArch(tree({}))).toBeUndefined();
  });

  it("reads systemd's version from libsystemd-shared, else from dpkg's status", () => {
    expect(systemdVersion(tree({ "usr/lib/aarch64-linux-gnu/systemd/libsystemd-shared-257.so": "" }))).toBe(
      257,
    );
    const status =
      "Package: bash\nVersion: 5.2\n\nPackage: systemd\nStatus: install ok installed\nVersion: 252.33-1~deb12u1\n";
    expect(systemdVersion(tree({ "var/lib/dpkg/status": status }))).toBe(252);
    expect(systemdVersion(tree({}))).toBeUndefined();
  });

  it("looks up users and group members in the root's own files", () => {
    const root = tree(PI);
    expect(lookupUser(root, "xiot")).toEqual({ uid: 991, gid: 990 });
    expect(lookupUser(root, "nobody")).toBeUndefined();
    expect(groupMembers(root, "gpio")).toEqual(["pi", "xiot"]);
    expect(groupMembers(root, "i2c")).toEqual([]);
  });
});
