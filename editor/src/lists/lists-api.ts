// The server's contact list and import routes (docs/api.md, "Contact lists"), typed from the server's own shapes. The
// CSV upload sends the File itself as the body, which the typed client cannot, so it is a fetch signed in the same way.
import type { ContactField } from '../../../schemas/contact-columns.ts';
import type { ContactListView, ContactView, ImportJobView, ImportReport } from '../../../server/api-types.ts';
import { ApiError, apiClient, authHeader, call } from '../api/client.ts';
import type { ApiErrorBody } from '../api/types.ts';

export type { ContactListView, ContactView, ImportJobView, ImportReport };

const enc = encodeURIComponent;

export interface UploadOptions {
  listId: string;
  /** The list's name, when the upload makes it. */
  name: string;
  /** The country of numbers written without their country code; none when every number has it. */
  region?: string;
  /** The column of each field; an empty one reads the field from no column. */
  columns: Partial<Record<ContactField, string>>;
}

export const listsApi = {
  lists: () => call(apiClient['contact-lists'].$get()).then((r) => r.lists),
  list: (id: string) => call(apiClient['contact-lists'][':id'].$get({ param: { id: enc(id) } })),
  contacts: (id: string, query: { limit: number; after?: string; q?: string }) =>
    call(
      apiClient['contact-lists'][':id'].contacts.$get({
        param: { id: enc(id) },
        query: { limit: String(query.limit), ...(query.after && { after: query.after }), ...(query.q && { q: query.q }) },
      }),
    ),
  remove: (id: string) => call(apiClient['contact-lists'][':id'].$delete({ param: { id: enc(id) } })),
  imports: (listId?: string, limit = 20) =>
    call(apiClient.imports.$get({ query: { limit: String(limit), ...(listId && { list: listId }) } })).then((r) => r.imports),
  importJob: (id: string) => call(apiClient.imports[':id'].$get({ param: { id: enc(id) } })),

  /**
   * Sends the file as it is read from disk (never whole in memory) and answers the import's id as soon as the file is
   * in (`wait=0`): the import goes on on the server, followed with `importJob`. A file the server refuses whole is an
   * ApiError that may still name its import (`details.import`).
   */
  async upload(file: File, options: UploadOptions): Promise<string> {
    const query = new URLSearchParams({ name: options.name, wait: '0' });
    if (options.region) query.set('region', options.region);
    for (const [field, header] of Object.entries(options.columns)) query.set(`column.${field}`, header ?? '');
    let response: Response;
    try {
      response = await fetch(`/api/contact-lists/${enc(options.listId)}/csv?${query}`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { ...authHeader(), 'Content-Type': 'text/csv' },
        body: file,
      });
    } catch (error) {
      throw new ApiError(
        0,
        `The file could not be sent (${error instanceof Error ? error.message : String(error)}). Check the connection and upload it again; contacts already imported are merged, not duplicated.`,
      );
    }
    const body = (await response.json().catch(() => undefined)) as { import?: { id: string }; error?: ApiErrorBody['error'] } | undefined;
    if (response.ok && body?.import) return body.import.id;
    const error = body?.error;
    const message =
      response.status === 401
        ? 'You are not signed in, or your sign-in link has expired. Open the sign-in link you were given.'
        : response.status === 403
          ? 'Your account is not allowed to upload contacts. Ask an administrator for editor rights.'
          : (error?.message ?? `The server refused the file (${response.status}).`);
    throw new ApiError(response.status, message, [], error?.code, error?.details as Record<string, unknown> | undefined);
  },
};

/** Whether a role may upload and delete lists (editor and above). */
export function canEditLists(role: string | undefined): boolean {
  return role === 'editor' || role === 'operator' || role === 'admin';
}
