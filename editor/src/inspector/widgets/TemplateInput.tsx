// A message written with the contact's details: insert a detail at the cursor, see it rendered for a sample contact.
import { useRef } from 'react';
import { smsSegments } from '../../../../schemas/sms-segments.ts';
import { sampleFor, useServerData } from '../../api/server-data.ts';
import type { FieldContext, FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';
import { variablesFor } from '../sample-contact.ts';
import { renderPreview, trackedLinkLike } from '../template-preview.ts';

function startList(context: FieldContext): string | undefined {
  const start = Object.values(context.doc.nodes).find((n) => n.type === 'start');
  const list = (start?.config.audience as { list?: unknown } | undefined)?.list;
  return typeof list === 'string' ? list : undefined;
}

export function TemplateInput(props: FieldProps<string> & { fieldKey: string }) {
  const { value, onChange, path, context, fieldKey } = props;
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = startList(context);
  // Re-render when the server's sample contact arrives.
  useServerData((d) => (listId ? d.samples[listId] : undefined));
  const sample = sampleFor(listId);
  const config = context.node?.config ?? {};
  const declared = (typeof config.links === 'object' && config.links !== null ? config.links : {}) as Record<string, string>;
  const tracked = config.trackLinks !== false;
  const links = Object.fromEntries(
    Object.entries(declared).map(([name, url]) => [
      name,
      tracked ? trackedLinkLike(context.nodeId ?? 'step', String(sample.contact.id ?? 'contact'), name) : url,
    ]),
  );
  const withAgent = context.node?.type === 'dialer' && fieldKey === 'script';
  const groups = variablesFor(sample, Object.keys(declared), withAgent);
  const text = value ?? '';
  const preview = text ? renderPreview(text, sample, links) : undefined;
  const isSms = context.node?.type === 'sms' && fieldKey === 'body';

  const insert = (variable: string) => {
    const element = area.current;
    const tag = `{{ ${variable} }}`;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    onChange(text.slice(0, start) + tag + text.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + tag.length, start + tag.length);
    });
  };

  const who = [sample.contact.firstName, sample.contact.lastName].filter(Boolean).join(' ') || 'the sample contact';
  return (
    <div className="template">
      <textarea id={fieldId(path)} ref={area} rows={isSms ? 4 : 5} value={text} onChange={(e) => onChange(e.target.value || undefined)} spellCheck />
      <label className="insert">
        <span>Insert a detail</span>
        <select
          value=""
          onChange={(e) => {
            if (e.target.value) insert(e.target.value);
          }}
        >
          <option value="">Choose…</option>
          {groups.map((group) => (
            <optgroup key={group.group} label={group.group}>
              {group.items.map((item) => (
                <option key={item.path} value={item.path}>
                  {item.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {preview && (
        <div className="preview" aria-live="polite">
          <div className="preview-title">Preview for {who}</div>
          {'text' in preview ? <div className="preview-text">{preview.text}</div> : <div className="preview-error">{preview.error}</div>}
          {isSms && 'text' in preview && <SmsLength text={preview.text} />}
        </div>
      )}
    </div>
  );
}

function SmsLength({ text }: { text: string }) {
  const length = smsSegments(text);
  const perSegment = length.encoding === 'GSM-7' ? 160 : 70;
  return (
    <div className={`sms-length${length.segments > 1 ? ' is-long' : ''}`}>
      {length.characters} characters, {length.segments} {length.segments === 1 ? 'message' : 'messages'} (segments) billed
      {length.encoding === 'UCS-2' && ' — a special character or emoji limits each message to 70 characters'}
      {length.segments === 1 && length.encoding === 'GSM-7' && ` — up to ${perSegment} fit in one`}
    </div>
  );
}
