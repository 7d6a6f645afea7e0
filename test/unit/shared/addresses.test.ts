/* The node-name and JID codec: what is built parses back, and nothing else parses. */
import { describe, expect, it } from "vitest";
import { AGENT_RESOURCE, agentJid, bareOf, deviceJid, hubJid, normalizeJid } from "../../../shared/jid";
import {
  DEVICE_NODE_KINDS,
  deviceNode,
  parseDeviceNode,
  parseDeviceNodePath,
  readingsNode,
} from "../../../shared/model";

describe("device node names", () => {
  it("parses back every kind it builds", () => {
    for (const kind of DEVICE_NODE_KINDS) {
      expect(parseDeviceNode(deviceNode("kitchen-1", kind))).toEqual({ deviceId: "kitchen-1", kind });
    }
    expect(readingsNode("kitchen-1")).toBe("devices/kitchen-1/readings");
  });

  it("refuses names that are not device nodes of a known kind", () => {
    for (const node of [
      "devices/kitchen-1/history",
      "devices/Kitchen-1/readings",
      "devices/-x/readings",
      "devices/kitchen-1/readings/extra",
      "devices//readings",
      "devices/kitchen-1",
      "rooms/kitchen-1/readings",
      "",
    ]) {
      expect(parseDeviceNode(node), node).toBeUndefined();
    }
  });

  it("finds the device of any node in a device's subtree", () => {
    expect(parseDeviceNodePath("devices/kitchen-1/extra")).toEqual({ deviceId: "kitchen-1", leaf: "extra" });
    expect(parseDeviceNodePath("devices/kitchen-1/a/b")).toBeUndefined();
    expect(parseDeviceNodePath("devices/KITCHEN/readings")).toBeUndefined();
  });
});

describe("JIDs", () => {
  it("builds device, agent and hub addresses", () => {
    expect(deviceJid("kitchen-1", "example.org")).toBe("kitchen-1@example.org");
    expect(agentJid("kitchen-1", "example.org")).toBe(`kitchen-1@example.org/${AGENT_RESOURCE}`);
    expect(hubJid("example.org")).toBe("hub.example.org");
  });

  it("normalises an agent's JID into its parts", () => {
    expect(normalizeJid("Kitchen-1@Example.ORG/agent")).toEqual({
      full: "kitchen-1@example.org/agent",
      bare: "kitchen-1@example.org",
      local: "kitchen-1",
      domain: "example.org",
      resource: "agent",
    });
    expect(bareOf("kitchen-1@example.org/agent")).toBe("kitchen-1@example.org");
  });

  it("refuses what is not an address", () => {
    for (const jid of ["", "@example.org", "a b@example.org", "a@", "x".repeat(3072)]) {
      expect(normalizeJid(jid), jid).toBeUndefined();
    }
  });
});
