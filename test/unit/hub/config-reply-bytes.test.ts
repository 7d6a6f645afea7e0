import { describe, expect, it } from "vitest";
import { hubSchema } from "../../../hub/config";

describe("hub config: pubsub.maxReplyBytes", () => {
  it("defaults to 256 KiB, half of Prosody's component stanza limit", () => {
    expect(hubSchema.parse({}).pubsub.maxReplyBytes).toBe(256 * 1024);
  });

  it("refuses a budget too small for one item of the largest payload, naming the key", () => {
    const r = hubSchema.safeParse({ pubsub: { maxPayloadBytes: 65_536, maxReplyBytes: 70_000 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["pubsub", "maxReplyBytes"]);
    expect(hubSchema.safeParse({ pubsub: { maxPayloadBytes: 1024, maxReplyBytes: 70_000 } }).success).toBe(
      true,
    );
  });
});
