import { describe, expect, it } from "vitest";
import { previousPorts } from "../../../server/ports";

describe("previousPorts (server.json of the last run)", () => {
  it("reads the client, component and WebSocket ports", () => {
    const info = {
      ready: true,
      c2s: "xmpp://127.0.0.1:41001",
      component: "xmpp://127.0.0.1:41002",
      websocket: "ws://127.0.0.1:41003/xmpp-websocket",
    };
    expect(previousPorts(JSON.stringify(info))).toEqual({ c2s: 41001, component: 41002, http: 41003 });
  });

  it("keeps nothing from a missing, torn or odd file", () => {
    expect(previousPorts(undefined)).toEqual({});
    expect(previousPorts('{"c2s": "xmpp://127.0.0.1:4')).toEqual({});
    expect(
      previousPorts(JSON.stringify({ c2s: 5222, component: "not a uri", websocket: "ws://h/x" })),
    ).toEqual({});
  });
});
