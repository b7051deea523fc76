// One contact written from JSON (the API's upsert): the same normalising and identity as a CSV row.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isValidTimezone } from '../../schemas/fields.ts';
import type { Executor } from '../store/dialect.ts';
import { contactId } from './import-csv.ts';
import { recordListColumns } from './list-columns.ts';
import { DomainError } from '../errors.ts';

export interface ContactInput {
  externalId?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  timezone?: string | undefined;
  state?: string | undefined;
  postalCode?: string | undefined;
  attributes?: Record<string, unknown> | undefined;
  consent?: Record<string, boolean> | undefined;
}

/** A field the contact cannot be stored with, named so the caller can point at it. */
export class ContactFieldError extends DomainError {
  override name = 'ContactFieldError';
  constructor(
    readonly field: keyof ContactInput,
    message: string,
  ) {
    super('invalid', message, { issues: [{ path: `/${field}`, message }] });
  }
}

/** Writes the contact into the list, merging with the one of the same external id (else phone, else email). */
export async function upsertContact(
  db: Executor,
  listId: string,
  input: ContactInput,
  options: { defaultRegion?: CountryCode; now: number },
): Promise<{ id: string; created: boolean }> {
  let phone: string | null = null;
  if (input.phone) {
    const parsed = parsePhoneNumberFromString(input.phone, options.defaultRegion);
    if (!parsed?.isValid())
      throw new ContactFieldError('phone', `"${input.phone}" is not a valid phone number; write it with its country code, e.g. +14155550100`);
    phone = parsed.number;
  }
  const email = input.email?.trim().toLowerCase() || null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ContactFieldError('email', `"${input.email}" is not a valid email address`);
  if (!phone && !email) throw new ContactFieldError('phone', 'A contact needs a phone number or an email address');
  if (input.timezone && !isValidTimezone(input.timezone))
    throw new ContactFieldError('timezone', `"${input.timezone}" is not a time zone name such as America/Chicago`);
  const externalId = input.externalId?.trim() || null;
  const id = contactId(listId, externalId ? `x:${externalId}` : phone ? `p:${phone}` : `e:${email}`);
  const existing = await db.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst();
  const row = {
    external_id: externalId,
    phone,
    email,
    first_name: input.firstName ?? null,
    last_name: input.lastName ?? null,
    timezone: input.timezone ?? null,
    state: input.state?.toUpperCase() ?? null,
    postal_code: input.postalCode ?? null,
    attributes: JSON.stringify(input.attributes ?? {}),
    consent: JSON.stringify(input.consent ?? {}),
  };
  await db
    .insertInto('contacts')
    .values({ id, list_id: listId, ...row, created_at: options.now })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
  if (input.attributes) await recordListColumns(db, listId, Object.keys(input.attributes));
  return { id, created: !existing };
}
