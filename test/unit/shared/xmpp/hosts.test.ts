import { describe, expect, it } from "vitest";
import { isLoopbackHost, isPrivateHost, serviceHost } from "../../../../shared/xmpp/hosts";

describe("service hosts", () => {
  it("reads the host of xmpp and websocket URIs", () => {
    expect(serviceHost("xmpp://127.0.0.1:5222")).toBe("127.0.0.1");
    expect(serviceHost("ws://[::1]:5280/xmpp-websocket")).toBe("::1");
  });

  it.each([
    ["127.0.0.1", true, true],
    ["localhost", true, true],
    ["::1", true, true],
    ["10.1.2.3", false, true],
    ["172.20.0.1", false, true],
    ["172.32.0.1", false, false],
    ["192.168.1.1", false, true],
    ["fd00::1", false, true],
    ["8.8.8.8", false, false],
    ["example.org", false, false],
  ])("%s: loopback %s, private %s", (host, loopback, priv) => {
    expect(isLoopbackHost(host)).toBe(loopback);
    expect(isPrivateHost(host)).toBe(priv);
  });
});
