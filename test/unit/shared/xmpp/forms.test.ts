import { describe, expect, it } from "vitest";
import { makeForm, parseBoolean, parseForm } from "../../../../shared/xmpp/forms";
import { canon, parseXml } from "../../../helpers/stanza";

describe("data forms", () => {
  it("builds a form with FORM_TYPE, options and values", () => {
    const form = makeForm({
      type: "form",
      formType: "urn:t",
      fields: [{ var: "a", type: "list-single", label: "A", values: ["x"], options: [{ value: "x" }] }],
    });
    expect(canon(form)).toBe(
      canon(`<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>urn:t</value></field>
        <field var='a' type='list-single' label='A'><option><value>x</value></option><value>x</value></field></x>`),
    );
  });

  it("parses a submitted form, separating FORM_TYPE", () => {
    const parsed = parseForm(
      parseXml(`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:t</value></field>
        <field var='m'><value>1</value><value>2</value></field><field var='e'/></x>`),
    );
    expect(parsed).toEqual({
      type: "submit",
      formType: "urn:t",
      fields: new Map([
        ["m", ["1", "2"]],
        ["e", []],
      ]),
    });
  });

  it("rejects non-forms and unknown form types", () => {
    expect(parseForm(parseXml("<x xmlns='other' type='submit'/>"))).toBeUndefined();
    expect(parseForm(parseXml("<x xmlns='jabber:x:data' type='weird'/>"))).toBeUndefined();
    expect(parseForm(undefined)).toBeUndefined();
  });

  it("reads XEP-0004 booleans", () => {
    expect(["1", "true", "0", "false", "yes", undefined].map(parseBoolean)).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined,
    ]);
  });
});
