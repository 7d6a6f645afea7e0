import { describe, expect, it } from "vitest";
import { renderSummary } from "../../../../cli/up/summary";

const stack = {
  dir: ".xiot",
  dashboard: "http://127.0.0.1:8080/",
  user: "demo@localhost",
  password: "s3cret",
  chat: "sim-1@localhost/agent",
  domain: "localhost",
  c2s: "xmpp://127.0.0.1:5222",
  tls: false,
};

describe("xiot up's startup summary", () => {
  it("gives the dashboard, the login, the next step and that TLS is off, in a few lines", () => {
    expect(renderSummary(stack).split("\n")).toEqual([
      "",
      "xiot is up (data in .xiot)",
      "  dashboard at http://127.0.0.1:8080/",
      "  log in as demo@localhost  password s3cret",
      '  next: open the dashboard, or from any XMPP client (server 127.0.0.1, port 5222) chat "help" to sim-1@localhost/agent',
      "  TLS is off: clients log in in plain text, on 127.0.0.1 only",
      "  Ctrl-C stops everything",
      "",
      "",
    ]);
  });

  it("does not warn about TLS when the server has it", () => {
    expect(renderSummary({ ...stack, tls: true })).not.toContain("TLS is off");
  });
});
