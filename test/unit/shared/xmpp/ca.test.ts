import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../shared/config/errors";
import { CA_ENV, checkCaFile, needsReexec, reexecWithCa } from "../../../../shared/xmpp/ca";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("private CA through NODE_EXTRA_CA_CERTS", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-ca-"));
  const ca = join(dir, "ca.pem");
  writeFileSync(ca, PEM);

  it("re-executes only when a CA is set and not yet in the environment", () => {
    expect(needsReexec(undefined, {})).toBe(false);
    expect(needsReexec(ca, {})).toBe(true);
    expect(needsReexec(ca, { [CA_ENV]: ca })).toBe(false);
    expect(needsReexec(ca, { [CA_ENV]: "/other.pem" })).toBe(true);
  });

  it("names xmpp.ca for a missing file or one without a certificate", () => {
    expect(() => checkCaFile(join(dir, "missing.pem"))).toThrow(ConfigError);
    writeFileSync(join(dir, "junk.pem"), "junk");
    expect(() => checkCaFile(join(dir, "junk.pem"))).toThrow(
      /configuration key "xmpp.ca": .* holds no PEM certificate/,
    );
    expect(checkCaFile(ca)).toBe(ca);
  });

  it("runs the program again with the variable set and returns its exit code", async () => {
    const script = join(dir, "child.mjs");
    writeFileSync(script, `process.exit(process.env.${CA_ENV} === ${JSON.stringify(ca)} ? 7 : 1)`);
    const code = await reexecWithCa(ca, { argv: [process.execPath, script], execArgv: [], env: {} });
    expect(code).toBe(7);
  });
});
