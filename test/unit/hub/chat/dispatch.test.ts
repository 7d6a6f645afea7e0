import { describe, expect, it } from "vitest";
import { createChatCommands } from "../../../../hub/chat/dispatch";
import { HELP } from "../../../../hub/chat/replies";
import { controlHarness } from "../control/harness";
import { ALICE, BOB, EVE } from "../devices/setup";

const WRONG = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

async function chat() {
  const c = await controlHarness();
  const s = c.h;
  const commands = createChatCommands({ devices: s.service, control: c.chat, clock: { now: s.now } });
  return { ...s, say: (from: string, text: string) => commands.handle(from, text) };
}

describe("chat commands", () => {
  it("answers help and what it does not understand", async () => {
    const c = await chat();
    expect(await c.say(ALICE, "help")).toBe(HELP);
    expect(await c.say(ALICE, "make coffee")).toBe(
      'I don\'t understand "make coffee". Send help for the list of commands.',
    );
    expect(await c.say(ALICE, "")).toBe("Send help for the list of commands.");
    expect(await c.say(ALICE, "share kitchen")).toBe(
      "Give the device, the JID and read or control. Usage: share <device> with <jid> read|control",
    );
  });

  it("claims, shares, lists, unshares and disowns", async () => {
    const c = await chat();
    expect(await c.say(ALICE, "devices")).toBe("You have no devices. Claim one with: claim <device> <key>");
    expect(await c.say(ALICE, `claim kitchen ${c.claimKey.toLowerCase()}`)).toBe("kitchen is yours now.");
    expect(await c.say(ALICE, `claim kitchen ${c.claimKey}`)).toBe("kitchen is already yours.");
    expect(await c.say(ALICE, "share kitchen with Bob@Example.org read")).toBe(
      "bob@example.org may now read kitchen.",
    );
    expect(await c.say(ALICE, "devices")).toBe("Your devices: kitchen (owner, online since 22:13:20Z)");
    c.avail.set("kitchen", "offline");
    expect(await c.say(BOB, "devices")).toBe("Your devices: kitchen (read, offline since 22:13:20Z)");
    c.avail.delete("kitchen");
    expect(await c.say(BOB, "devices")).toBe("Your devices: kitchen (read, availability unknown)");
    expect(await c.say(ALICE, "unshare kitchen from bob@example.org")).toBe(
      "bob@example.org no longer has access to kitchen.",
    );
    expect(await c.say(ALICE, "unshare kitchen bob@example.org")).toBe(
      "kitchen is not shared with bob@example.org.",
    );
    expect(await c.say(ALICE, "disown kitchen")).toBe("kitchen is no longer yours; its shares ended.");
    expect(await c.say(ALICE, "devices")).toBe("You have no devices. Claim one with: claim <device> <key>");
  });

  it("claims by key alone", async () => {
    const c = await chat();
    expect(await c.say(ALICE, `claim ${c.claimKey}`)).toBe("kitchen is yours now.");
    expect(await c.say(BOB, `claim ${c.claimKey}`)).toBe("No device has that key.");
  });

  it("takes authority from the sender, never from the text", async () => {
    const c = await chat();
    await c.say(ALICE, `claim kitchen ${c.claimKey}`);
    // A stranger learns nothing of the device: its refusals read as for one that does not exist.
    expect(await c.say(EVE, "share kitchen with eve@example.org control")).toBe(
      "No device kitchen that you can see.",
    );
    expect(await c.say(EVE, "disown kitchen")).toBe("No device kitchen that you can see.");
    expect(await c.say(EVE, "unshare kitchen alice@example.org")).toBe("No device kitchen that you can see.");
    expect(await c.say("ALICE@EXAMPLE.ORG/other", "share kitchen with bob@example.org control")).toBe(
      "bob@example.org may now control kitchen.",
    );
    expect((await c.store.getDevice("kitchen"))?.owner).toBe("alice@example.org");
    expect(await c.say("", "devices")).toBe("I could not tell who you are.");
  });

  it("answers unknown devices", async () => {
    const c = await chat();
    expect(await c.say(ALICE, "claim garage ABCD")).toBe("No device garage that you can see.");
    expect(await c.say(ALICE, "disown garage")).toBe("No device garage that you can see.");
    expect(await c.say(ALICE, "status garage")).toBe("No device garage that you can see.");
    expect(await c.say(ALICE, "garage relay?")).toBe("No device garage that you can see.");
    expect(await c.say(ALICE, "garage relay on")).toBe("Refused: no device garage that you can see.");
  });

  it("tells a locked-out claimant when to try again", async () => {
    const c = await chat();
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await c.say(EVE, `claim kitchen ${WRONG}`));
    expect(replies).toEqual([
      ...Array(5).fill("That key does not claim kitchen."),
      "Too many wrong keys. Try again in 1 s.",
    ]);
    c.advance(1000);
    expect(await c.say(EVE, `claim kitchen ${WRONG}`)).toBe("That key does not claim kitchen.");
    expect(await c.say(EVE, `claim kitchen ${WRONG}`)).toBe("Too many wrong keys. Try again in 2 s.");
    c.advance(2000);
    expect(await c.say(ALICE, `claim kitchen ${c.claimKey}`)).toBe("kitchen is yours now.");
  });

  it("switches, sets, reads status and history for those allowed, and refuses the others", async () => {
    const c = await chat();
    await c.say(ALICE, `claim kitchen ${c.claimKey}`);
    await c.say(ALICE, "share kitchen with bob@example.org read");
    expect(await c.say(ALICE, "kitchen relay on")).toBe("Done: kitchen relay is on.");
    expect(await c.say(ALICE, "kitchen set target 21")).toBe("Done: kitchen target is 21.");
    expect(c.sent).toHaveLength(2);
    const status = await c.say(BOB, "status kitchen");
    expect(status.split("\n")[0]).toMatch(/^kitchen: online since /);
    expect(status).toMatch(/relay\s+off/);
    expect(status).toMatch(/temperature\s+\?/);
    const history = await c.say(ALICE, "history kitchen");
    expect(history.split("\n")).toEqual([
      "History of kitchen, newest first (UTC):",
      "2023-11-14 22:13:20  set target 21  by alice@example.org (chat)",
      "2023-11-14 22:13:20  relay on  by alice@example.org (chat)",
    ]);
    expect(await c.say(BOB, "history kitchen")).toBe("Only the owner of kitchen may read its history.");
    expect(await c.say(BOB, "kitchen set target 20")).toBe(
      "Refused: you may read kitchen but not control it.",
    );
    expect(await c.say(EVE, "status kitchen")).toBe("No device kitchen that you can see.");
    expect(await c.say(EVE, "kitchen relay off")).toBe("Refused: no device kitchen that you can see.");
    expect(await c.say(EVE, "as admin: kitchen relay off")).toContain("I don't understand");
    expect(c.sent).toHaveLength(2);
  });

  it("suggests the command one slip away, and names a device's channels for a word that is none", async () => {
    const c = await chat();
    await c.say(ALICE, `claim kitchen ${c.claimKey}`);
    expect(await c.say(ALICE, "stauts kitchen")).toBe('Did you mean "status kitchen"?');
    expect(await c.say(ALICE, "histroy kitchen")).toBe('Did you mean "history kitchen"?');
    expect(await c.say(ALICE, "kitchen relay of")).toBe('Did you mean "kitchen relay off"?');
    expect(await c.say(ALICE, "kitchen sett target 20")).toBe('Did you mean "kitchen set target 20"?');
    expect(c.sent).toHaveLength(0); // a suggestion is never run
    expect(await c.say(ALICE, "kitchen temprature")).toBe(
      'kitchen has no channel "temprature"; its channels: temperature, relay, target.',
    );
    expect(await c.say(ALICE, "kitchen temprature?")).toBe(
      'kitchen has no channel "temprature"; its channels: temperature, relay, target.',
    );
    expect(await c.say(ALICE, "kitchen relay")).toMatch(/^kitchen relay: off/); // read, as `kitchen relay?`
    // Nobody learns the channels, or the existence, of a device they cannot see.
    expect(await c.say(EVE, "kitchen temprature")).toBe(
      'I don\'t understand "kitchen temprature". Send help for the list of commands.',
    );
    expect(await c.say(EVE, "status kitchen")).toBe(
      await c.say(EVE, "status garage").then((r) => r.replace("garage", "kitchen")),
    );
    expect(await c.say(ALICE, "history kitchen 1")).toBe("No history for kitchen.");
    await c.say(ALICE, "kitchen relay on");
    expect(await c.say(ALICE, "history kitchen 2")).toBe("No page 2: kitchen's history has 1 line.");
    expect(await c.say(ALICE, "history kitchen two")).toBe(
      '"two" is not a page number. Usage: history <device> [<page>]',
    );
    expect(await c.say(ALICE, "make coffee")).toBe(
      'I don\'t understand "make coffee". Send help for the list of commands.',
    );
  });
});
