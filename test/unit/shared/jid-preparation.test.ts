/* One RFC 7622 preparation for every JID that enters the hub: the strings of the outside test
 * campaign, each part's profile, and agreement with the server (Prosody 0.12's stringprep).
 * References: RFC 7622 §3.2–§3.4, RFC 8265 §3.3 and §4.2, docs/design.md §3 "JIDs". */
import { describe, expect, it } from "vitest";
import { jid } from "../../../shared/chat/grammar";
import { bareJidSchema, jidListSchema } from "../../../shared/config/common";
import { normalizeJid, prepareDomainpart, prepareLocalpart, prepareResourcepart } from "../../../shared/jid";

const long = (n: number) => "a".repeat(n);
const full = (jid: string) => normalizeJid(jid)?.full;

describe("the reported strings", () => {
  it("maps a fullwidth localpart and domain to the account they name", () => {
    expect(full("ｃｅｖｅ@localhost")).toBe("ceve@localhost");
    expect(full("ＣＥＶＥ@ｌｏｃａｌｈｏｓｔ")).toBe("ceve@localhost");
    expect(full("ceve@ｌｏｃａｌｈｏｓｔ/agent")).toBe("ceve@localhost/agent");
  });

  it("strips one trailing dot from the domain", () => {
    expect(full("ceve@localhost.")).toBe("ceve@localhost");
    expect(full("ceve@localhost./agent")).toBe("ceve@localhost/agent");
    expect(full("localhost.")).toBe("localhost");
    for (const jid of ["ceve@localhost..", "ceve@.", "."]) expect(full(jid), jid).toBeUndefined();
  });

  it("folds the case of localpart and domain, never of the resource", () => {
    expect(normalizeJid("ＣｅＶｅ@LocalHost./Agent")).toEqual({
      full: "ceve@localhost/Agent",
      bare: "ceve@localhost",
      local: "ceve",
      domain: "localhost",
      resource: "Agent",
    });
  });

  it("refuses controls, bidi controls and zero-width characters in every part", () => {
    for (const bad of [
      "\u0000",
      "\u0001",
      "\u001f",
      "\u007f",
      "\u0085",
      "\u202e",
      "\u202a",
      "\u2066",
      "\u200e",
    ]) {
      for (const jid of [`ce${bad}ve@localhost`, `ceve@local${bad}host`, `ceve@localhost/a${bad}b`]) {
        expect(full(jid), JSON.stringify(jid)).toBeUndefined();
      }
    }
    for (const bad of ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e"]) {
      for (const jid of [`ce${bad}ve@localhost`, `ceve@local${bad}host`, `ceve@localhost/a${bad}b`]) {
        expect(full(jid), JSON.stringify(jid)).toBeUndefined();
      }
    }
  });

  it("refuses parts of more than 1023 octets, counted in UTF-8", () => {
    expect(full(`${long(1023)}@localhost`)).toBeDefined();
    expect(full(`${long(1024)}@localhost`)).toBeUndefined();
    expect(full(`${long(1100)}@localhost`)).toBeUndefined();
    expect(full(`${"é".repeat(512)}@localhost`)).toBeUndefined(); // 1024 octets, 512 characters
    expect(full(`ceve@localhost/${long(1023)}`)).toBeDefined();
    expect(full(`ceve@localhost/${long(1100)}`)).toBeUndefined();
    expect(full(`ceve@localhost/${"€".repeat(342)}`)).toBeUndefined(); // 1026 octets
    const domain1100 = Array.from({ length: 20 }, () => long(54)).join(".");
    expect(domain1100.length).toBeGreaterThan(1023);
    expect(full(`ceve@${domain1100}`)).toBeUndefined();
    expect(full(`ceve@${long(64)}.org`)).toBeUndefined(); // RFC 5890: a label is at most 63 octets
    expect(full(`ceve@${long(63)}.org`)).toBe(`ceve@${long(63)}.org`);
  });
});

describe("localpart (UsernameCaseMapped)", () => {
  it("keeps lower-case letters of any script, composed", () => {
    expect(prepareLocalpart("é")).toBe("é");
    expect(prepareLocalpart("e\u0301")).toBe("é");
    expect(prepareLocalpart("ψυχή")).toBe("ψυχή");
    expect(prepareLocalpart("東京")).toBe("東京");
    expect(prepareLocalpart("kitchen-1")).toBe("kitchen-1");
  });

  it("refuses what IdentifierClass and RFC 7622 §3.3.1 refuse", () => {
    for (const bad of [
      "",
      "a b",
      'a"b',
      "a&b",
      "a'b",
      "a/b",
      "a:b",
      "a<b",
      "a>b",
      "a@b",
      "a\u00a0b",
      "a☃",
      "a·b",
    ]) {
      expect(prepareLocalpart(bad), JSON.stringify(bad)).toBeUndefined();
    }
    // Compatibility characters besides fullwidth and halfwidth forms.
    for (const bad of ["ﬁ", "a²", "ℌ", "\u{1d400}"]) expect(prepareLocalpart(bad), bad).toBeUndefined();
  });

  it("refuses what the server would prepare otherwise (docs/design.md §3)", () => {
    // Prosody's nodeprep folds ß to ss and ς to σ, and keeps ı and letters newer than Unicode 3.2.
    for (const bad of ["straße", "ς", "ı", "É", "İ", "\ua780", "\u13a0"]) {
      expect(prepareLocalpart(bad), bad).toBeUndefined();
    }
  });

  it("applies the Bidi rule", () => {
    expect(prepareLocalpart("שלום")).toBe("שלום");
    expect(prepareLocalpart("aשלום")).toBeUndefined();
    expect(prepareLocalpart("\u05d0\u0301")).toBeUndefined();
  });
});

describe("resourcepart (OpaqueString)", () => {
  it("keeps case, symbols and spaces; maps other spaces to U+0020", () => {
    expect(prepareResourcepart("Living Room ☃")).toBe("Living Room ☃");
    expect(prepareResourcepart("a\u00a0b")).toBe("a b");
    expect(prepareResourcepart("a\u3000b")).toBe("a b");
    expect(prepareResourcepart("e\u0301")).toBe("é");
    expect(prepareResourcepart("a@b/c")).toBe("a@b/c");
  });

  it("refuses empty, controls, ignorables and what NFKC would change", () => {
    for (const bad of ["", "\t", "a\nb", "\u202e", "a\u200b", "ﬁ", "Ａ", "\ufffd", "\u1680"]) {
      expect(prepareResourcepart(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe("domainpart (IDNA2008 via UTS #46)", () => {
  it("maps to lower-case U-labels", () => {
    expect(prepareDomainpart("Example.ORG")).toBe("example.org");
    expect(prepareDomainpart("xn--caf-dma.com")).toBe("café.com");
    expect(prepareDomainpart("café.com")).toBe("café.com");
    expect(prepareDomainpart("127.0.0.1")).toBe("127.0.0.1");
    expect(prepareDomainpart("[::1]")).toBe("[::1]");
    expect(prepareDomainpart("[2001:DB8::1]")).toBe("[2001:db8::1]");
  });

  it("refuses labels that do not map", () => {
    for (const bad of [
      "",
      "a..b",
      "-a.org",
      "a-.org",
      "a_b.org",
      "a b.org",
      "a*b.org",
      "xn--zz.org",
      "ab--c.org",
    ]) {
      expect(prepareDomainpart(bad), bad).toBeUndefined();
    }
    for (const bad of ["[::1", "[0::1]", "[1.2.3.4]", "[x]"])
      expect(prepareDomainpart(bad), bad).toBeUndefined();
    // nameprep folds ß and ς: a label that would name another domain at the server.
    for (const bad of ["straße.de", "xn--strae-oqa.de"]) expect(prepareDomainpart(bad), bad).toBeUndefined();
  });
});

describe("splitting (RFC 7622 §3.1)", () => {
  it("takes the resource at the first slash and the localpart before the one @", () => {
    expect(normalizeJid("a@b/c@d/e")).toMatchObject({ local: "a", domain: "b", resource: "c@d/e" });
    for (const bad of ["a@b@c", "@localhost", "a@", "a@/r", "a@b/", "/r"])
      expect(full(bad), bad).toBeUndefined();
  });
});

describe("JIDs from configuration", () => {
  it("prepares hub.admins, server.admins and the agent's allow list", () => {
    expect(jidListSchema.parse("ＣＥＶＥ@localhost., Bob@Example.org")).toEqual([
      "ceve@localhost",
      "bob@example.org",
    ]);
    expect(bareJidSchema.parse("Alice@LocalHost")).toBe("alice@localhost");
  });

  it("refuses what does not prepare, naming the entry", () => {
    for (const bad of [
      "ce\u202eve@localhost",
      `${long(1100)}@localhost`,
      "localhost",
      "a@b/c",
      "a\u200b@localhost",
    ]) {
      const r = jidListSchema.safeParse([bad]);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual([0]);
      expect(r.error?.issues[0]?.message).toContain("expected a bare JID");
    }
  });
});

describe("JIDs from chat (the grammar's jid slot: share, unshare)", () => {
  it("prepares the jid to its bare form", () => {
    expect(jid(["ＣＥＶＥ@localhost."])).toEqual({ ok: true, value: "ceve@localhost" });
    expect(jid(["xmpp:Ceve@LocalHost/phone"])).toEqual({ ok: true, value: "ceve@localhost" });
  });

  it("refuses a JID that does not prepare, quoting it escaped", () => {
    expect(jid(["ce\u202eve@localhost"])).toEqual({
      ok: false,
      problem: '"ce\\u{202e}ve@localhost" is not a valid JID (such as alice@example.org)',
    });
    for (const bad of [`${long(1100)}@localhost`, "a\u200b@localhost", "a@b@c", "ceve@localhost/\u0007"]) {
      expect(jid([bad]).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
