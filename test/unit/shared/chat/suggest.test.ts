import { describe, expect, it } from "vitest";
import { HUB_SHAPES } from "../../../../hub/chat/parse";
import { deviceShapes } from "../../../../shared/chat/device-grammar";
import { editDistance, suggest } from "../../../../shared/chat/suggest";

describe("did you mean", () => {
  it("counts edits, a swap of neighbours as one", () => {
    expect(editDistance("stauts", "status")).toBe(1);
    expect(editDistance("status", "status")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("respells one command word so that the grammar understands the text", () => {
    expect(suggest(HUB_SHAPES, "stauts sim-1")).toBe("status sim-1");
    expect(suggest(HUB_SHAPES, "Devcies")).toBe("devices");
    expect(suggest(HUB_SHAPES, "sim-1 relay of")).toBe("sim-1 relay off");
    expect(suggest(HUB_SHAPES, "shaer sim-1 with bob@localhost read")).toBe(
      "share sim-1 with bob@localhost read",
    );
    expect(suggest(deviceShapes(), "hlep")).toBe("help");
  });

  it("suggests nothing for text far from any command, or that needs more than one slip", () => {
    expect(suggest(HUB_SHAPES, "make coffee")).toBeUndefined();
    expect(suggest(HUB_SHAPES, "stts sim-1")).toBeUndefined();
    expect(suggest(HUB_SHAPES, "")).toBeUndefined();
    // A respelling the grammar still refuses (a missing argument) is no suggestion.
    expect(suggest(HUB_SHAPES, "stauts")).toBeUndefined();
    expect(suggest(deviceShapes(false), "restrat")).toBeUndefined();
  });
});
