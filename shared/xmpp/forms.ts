/* XEP-0004 data forms: build and parse.
 * References: XEP-0004 §3 (form types, fields, values), §3.3 (field types), XEP-0068 (FORM_TYPE). */
import xml, { type Element } from "@xmpp/xml";
import { NS_DATA } from "./ns";

export type FormType = "form" | "submit" | "cancel" | "result";
export type FieldType =
  | "boolean"
  | "fixed"
  | "hidden"
  | "jid-multi"
  | "jid-single"
  | "list-multi"
  | "list-single"
  | "text-multi"
  | "text-private"
  | "text-single";

export interface FormField {
  var: string;
  type?: FieldType;
  label?: string;
  values?: string[];
  options?: Array<{ value: string; label?: string }>;
}

export interface FormSpec {
  type: FormType;
  /** Written as the hidden FORM_TYPE field (XEP-0068). */
  formType?: string;
  title?: string;
  fields: FormField[];
}

export interface ParsedForm {
  type: FormType;
  formType: string | undefined;
  /** Field var → values, in document order; FORM_TYPE excluded. */
  fields: Map<string, string[]>;
}

const FORM_TYPES: ReadonlySet<string> = new Set(["form", "submit", "cancel", "result"]);

function makeField(field: FormField): Element {
  const attrs: Record<string, string> = { var: field.var };
  if (field.type) attrs.type = field.type;
  if (field.label) attrs.label = field.label;
  const children: Element[] = (field.options ?? []).map((o) =>
    xml("option", o.label ? { label: o.label } : {}, xml("value", {}, o.value)),
  );
  for (const v of field.values ?? []) children.push(xml("value", {}, v));
  return xml("field", attrs, ...children);
}

export function makeForm(spec: FormSpec): Element {
  const children: Element[] = [];
  if (spec.title !== undefined) children.push(xml("title", {}, spec.title));
  if (spec.formType !== undefined) {
    children.push(makeField({ var: "FORM_TYPE", type: "hidden", values: [spec.formType] }));
  }
  for (const f of spec.fields) children.push(makeField(f));
  return xml("x", { xmlns: NS_DATA, type: spec.type }, ...children);
}

/** Parses a jabber:x:data form; undefined when `el` is not a well-formed form. */
export function parseForm(el: Element | undefined): ParsedForm | undefined {
  if (!el?.is("x", NS_DATA)) return undefined;
  const type = el.attrs.type as string | undefined;
  if (type === undefined || !FORM_TYPES.has(type)) return undefined;
  const fields = new Map<string, string[]>();
  let formType: string | undefined;
  for (const field of el.getChildren("field")) {
    const name = field.attrs.var as string | undefined;
    if (name === undefined || name === "") continue;
    const values = field.getChildren("value").map((v) => v.getText());
    if (name === "FORM_TYPE") formType = values[0];
    else fields.set(name, values);
  }
  return { type: type as FormType, formType, fields };
}

/** XEP-0004 §3.3 boolean: "1"/"true" and "0"/"false"; undefined for anything else. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return undefined;
}

/** Finds the data form child of an element, if any. */
export const findForm = (parent: Element | undefined): Element | undefined => parent?.getChild("x", NS_DATA);
