// What a field editor may need to know beyond its own value: the step it belongs to and the whole journey.
import type { FileNode, JourneyFile } from '../model/document.ts';

export interface FieldContext {
  doc: JourneyFile;
  nodeId?: string;
  node?: FileNode;
}

export interface FieldProps<V = unknown> {
  value: V | undefined;
  onChange: (value: V | undefined) => void;
  /** JSON pointer of the field in the file; the input's element id is derived from it. */
  path: string;
  context: FieldContext;
}
