// Which column of a contact list's CSV holds which contact field: the names recognised in a header, shared by the
// importer (runtime/contacts/import-csv.ts) and the editor's upload preview, so the preview's guess is the import's.

export type ContactField = 'externalId' | 'firstName' | 'lastName' | 'phone' | 'email' | 'timezone' | 'state' | 'postalCode';

export const contactFields: readonly ContactField[] = ['externalId', 'firstName', 'lastName', 'phone', 'email', 'timezone', 'state', 'postalCode'];

/** Header names recognised without a mapping (compared without case, spaces, dashes or underscores). */
export const knownHeaders: Record<ContactField, readonly string[]> = {
  externalId: ['externalid', 'id', 'customerid', 'accountid', 'contactid'],
  firstName: ['firstname', 'givenname', 'first'],
  lastName: ['lastname', 'surname', 'familyname', 'last'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilenumber', 'cell', 'telephone'],
  email: ['email', 'emailaddress', 'mail'],
  timezone: ['timezone', 'tz', 'zone'],
  state: ['state', 'region', 'province'],
  postalCode: ['postalcode', 'zip', 'zipcode', 'postcode'],
};

export const normaliseHeader = (h: string) => h.toLowerCase().replace(/[\s_-]/g, '');

/** The consent channel a column gives (`consent_sms`, `Consent Voice`), or undefined for any other column. */
export function consentChannelOf(header: string): 'sms' | 'email' | 'voice' | undefined {
  const channel = /^consent(sms|voice|email|call|calls|phone)$/.exec(normaliseHeader(header))?.[1];
  if (!channel) return undefined;
  return channel === 'sms' || channel === 'email' ? channel : 'voice';
}

/**
 * The column index of each field: an explicit mapping names a header (exactly, or compared as above), an empty one
 * reads the field from no column; fields without one are guessed from the recognised names.
 */
export function mapContactColumns(header: readonly string[], columns: Partial<Record<ContactField, string>> = {}): Partial<Record<ContactField, number>> {
  const fieldIndex: Partial<Record<ContactField, number>> = {};
  const normalised = header.map(normaliseHeader);
  for (const field of contactFields) {
    const explicit = columns[field];
    if (explicit === '') continue;
    const index =
      explicit !== undefined
        ? header.findIndex((h) => h === explicit || normaliseHeader(h) === normaliseHeader(explicit))
        : normalised.findIndex((h) => knownHeaders[field].includes(h));
    if (index >= 0) fieldIndex[field] = index;
  }
  return fieldIndex;
}
