// A Pinpoint journey dropped on Import file: converted as `journey convert --from pinpoint` does, but from the one file
// the person chose, so templates it names become placeholder texts that the report lists.
import { convertPinpointJourney } from '../../../schemas/convert/pinpoint/convert.ts';
import { readPinpointJourney } from '../../../schemas/convert/pinpoint/input.ts';
import type { ConversionReport } from '../../../schemas/convert/pinpoint/report.ts';
import { asJourneyFile, type JourneyFile } from '../model/document.ts';

export interface PinpointImport {
  fileName: string;
  doc: JourneyFile;
  report: ConversionReport;
}

/** Whether a parsed file looks like a Pinpoint journey rather than a journey file (which has nodes). */
export function isPinpointJourney(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'nodes' in value) return false;
  const inner = (value as Record<string, unknown>).JourneyResponse ?? (value as Record<string, unknown>).WriteJourneyRequest ?? value;
  return typeof inner === 'object' && inner !== null && ('Activities' in inner || 'StartActivity' in inner);
}

/** The converted journey, laid out, with its report; or the input's problems, each naming where. */
export async function convertPinpointFile(fileName: string, value: unknown): Promise<PinpointImport | { problems: string[] }> {
  const input = readPinpointJourney(value);
  if ('problems' in input) return { problems: input.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`) };
  const result = convertPinpointJourney(input.journey, { templates: new Map(), missingTemplates: 'placeholder', pointer: input.pointer });
  if ('problems' in result) return { problems: result.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`) };
  // ELK is large; it loads the first time a journey is laid out, as for Tidy up.
  const { layoutJourney } = await import('../../../schemas/layout.ts');
  const doc = asJourneyFile(await layoutJourney(result.journey));
  if (!doc) return { problems: ['The converted journey could not be read by the editor.'] };
  return { fileName, doc, report: result.report };
}
