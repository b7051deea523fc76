// Pinpoint's message variables, written in Handlebars ({{User.UserAttributes.FirstName}}, {{Attributes.Plan}}), as this
// product's Liquid fields ({{ contact.firstName }}, {{ attributes.Plan }}); what has no field here is listed.
import { knownHeaders, normaliseHeader, type ContactField } from '../../contact-columns.ts';

export interface RewrittenText {
  text: string;
  /** Each Pinpoint variable that became a field, once, with the field. */
  mapped: { variable: string; field: string }[];
  /** Each Pinpoint variable or helper with no field here; the text shows it in [brackets] for a person to replace. */
  unmapped: string[];
  /** The attribute names the text now reads: columns the contact list needs. */
  attributes: string[];
}

/** Where an endpoint's address goes in each kind of message: a text's is the phone, an email's the address. */
export type AddressChannel = 'sms' | 'email' | 'other';

const fieldOfHeader = new Map<string, ContactField>(
  (Object.entries(knownHeaders) as [ContactField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [n, field] as const)),
);

/** Pinpoint's own endpoint and user properties that have a contact field here. */
const fixedFields: Record<string, ContactField> = {
  'User.UserId': 'externalId',
  'Location.PostalCode': 'postalCode',
  'Location.Region': 'state',
  'Demographic.Timezone': 'timezone',
};

/** The Liquid expression a Pinpoint variable reads, or undefined when nothing here holds it. */
export function fieldOf(variable: string, channel: AddressChannel): { field: string; attribute?: string } | undefined {
  if (variable === 'Address') {
    if (channel === 'sms') return { field: 'contact.phone' };
    if (channel === 'email') return { field: 'contact.email' };
    return undefined;
  }
  const fixed = fixedFields[variable];
  if (fixed) return { field: `contact.${fixed}` };
  const attribute = /^(?:User\.UserAttributes|Attributes)\.(.+)$/.exec(variable)?.[1];
  if (attribute === undefined) return undefined;
  const contactField = fieldOfHeader.get(normaliseHeader(attribute));
  if (contactField && contactField !== 'externalId') return { field: `contact.${contactField}` };
  return { field: attributeReference(attribute), attribute };
}

/** `attributes.Plan`, or `attributes['plan type']` for a name Liquid cannot write after a dot. */
export function attributeReference(name: string): string {
  return /^[A-Za-z_]\w*$/.test(name) ? `attributes.${name}` : `attributes[${quote(name) ?? `'${name.replaceAll("'", '')}'`}]`;
}

/** A Liquid string literal; Liquid has no escapes, so a text with both kinds of quote cannot be one. */
function quote(value: string): string | undefined {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return undefined;
}

/**
 * Rewrites a template's text. `defaults` are the template's DefaultSubstitutions (variable → value), which become
 * Liquid's `default` filter. Block helpers #if and #unless become Liquid tags when what they test has a field.
 */
export function rewriteVariables(text: string, channel: AddressChannel, defaults: Record<string, string> = {}): RewrittenText {
  const mapped = new Map<string, string>();
  const unmapped = new Set<string>();
  const attributes = new Set<string>();
  // Each open block, and whether it became a Liquid tag, so that its {{else}} and its end follow it.
  const blocks: { helper: string; liquid: boolean }[] = [];
  const resolve = (variable: string) => {
    const found = fieldOf(variable, channel);
    if (!found) return undefined;
    mapped.set(variable, found.field);
    if (found.attribute !== undefined) attributes.add(found.attribute);
    return found.field;
  };
  const literal = (inner: string) => {
    unmapped.add(inner);
    return `[${inner}]`;
  };
  const out = text.replace(/\{\{\{?\s*([^{}]*?)\s*\}?\}\}/g, (_whole, inner: string) => {
    const open = /^#(if|unless)\s+(\S+)$/.exec(inner);
    if (open) {
      const field = resolve(open[2]!);
      blocks.push({ helper: open[1]!, liquid: field !== undefined });
      return field ? `{% ${open[1]} ${field} %}` : literal(inner);
    }
    if (inner === 'else') {
      const block = blocks.at(-1);
      return block?.liquid ? '{% else %}' : literal(inner);
    }
    const close = /^\/(if|unless)$/.exec(inner);
    if (close) {
      const block = blocks.at(-1);
      if (block?.helper === close[1]) blocks.pop();
      return block?.liquid && block.helper === close[1] ? `{% end${close[1]} %}` : literal(inner);
    }
    if (!/^[A-Za-z_][\w.-]*$/.test(inner)) return literal(inner);
    const field = resolve(inner);
    if (!field) return literal(inner);
    const fallback = defaults[inner] !== undefined ? quote(defaults[inner]) : undefined;
    return fallback ? `{{ ${field} | default: ${fallback} }}` : `{{ ${field} }}`;
  });
  return {
    text: out,
    mapped: [...mapped].map(([variable, field]) => ({ variable, field })),
    unmapped: [...unmapped],
    attributes: [...attributes],
  };
}

/** A template's DefaultSubstitutions: a JSON object in a string; anything else gives no defaults. */
export function defaultSubstitutions(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
