// `journey convert --from pinpoint JOURNEY.json [--templates DIR] [--out FILE] [--json]`: a Pinpoint journey and its
// templates as a journey file, laid out for the canvas, with a report of what became of each activity and setting.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PinpointTemplate } from '../../../schemas/convert/pinpoint/index.ts';
import { readText, UsageError, type Io } from '../io.ts';

export const convertHelp = `journey convert --from pinpoint JOURNEY.json [--templates DIR] [--out FILE] [--json]
  Converts an Amazon Pinpoint journey (aws pinpoint get-journey) and its templates (DIR/<TemplateName>.json, from
  aws pinpoint get-sms-template / get-email-template) into a journey file, FILE or <journey id>.journey.json.
  Prints what each activity and setting became and what needs a person (--json: as JSON). Writes nothing on errors.
  See docs/pinpoint.md.`;

const sources = ['pinpoint'] as const;

export async function convertCommand(args: string[], io: Io): Promise<number> {
  // Loaded here, not at the top: `journey --help` reads every command's help and should load none of this.
  const { convertPinpointJourney, readPinpointJourney, readPinpointTemplate, renderReport } = await import('../../../schemas/convert/pinpoint/index.ts');
  const { formatJourney } = await import('../../../schemas/format.ts');
  const { layoutJourney } = await import('../../../schemas/layout.ts');
  const { parseJsonText } = await import('../../../schemas/parse.ts');
  const { validateJourney } = await import('../../../schemas/validate.ts');
  const { values, positionals } = parseArgs({
    args,
    options: { from: { type: 'string' }, templates: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (!values.from) throw new UsageError('journey convert needs --from with the tool the journey comes from: --from pinpoint');
  if (!(sources as readonly string[]).includes(values.from))
    throw new UsageError(`journey convert reads journeys --from ${sources.join(', ')}, not "${values.from}"`);
  if (positionals.length !== 1)
    throw new UsageError('journey convert needs one journey file, e.g. journey convert --from pinpoint welcome.json --templates templates/');

  const file = positionals[0]!;
  const fail = (lines: string[]) => {
    for (const line of lines) io.err(`${line}\n`);
    io.err(`${file} was not converted; nothing was written\n`);
    return 1;
  };
  const read = await readText(io, file);
  if ('error' in read) return fail([`${file}: ${read.error}`]);
  const parsed = parseJsonText(read.text.charCodeAt(0) === 0xfeff ? read.text.slice(1) : read.text);
  if ('problem' in parsed) return fail([`${file}: ${parsed.problem.message}`]);
  const input = readPinpointJourney(parsed.value);
  if ('problems' in input) return fail(input.problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`));

  const templates = new Map<string, PinpointTemplate>();
  const templateProblems: string[] = [];
  if (values.templates) {
    const names = new Set(
      Object.values(input.journey.Activities ?? {}).flatMap((a) => [a.SMS?.TemplateName, a.EMAIL?.TemplateName].filter((n): n is string => n !== undefined)),
    );
    for (const name of [...names].sort()) {
      const path = join(values.templates, `${name}.json`);
      const text = await readText(io, path);
      if ('error' in text) continue; // the conversion names the activity that needs it
      const json = parseJsonText(text.text);
      if ('problem' in json) {
        templateProblems.push(`${path}: ${json.problem.message}`);
        continue;
      }
      const template = readPinpointTemplate(json.value);
      if ('problem' in template) templateProblems.push(`${path}: the template ${template.problem}`);
      else templates.set(name, template.template);
    }
  }
  if (templateProblems.length) return fail(templateProblems);

  const result = convertPinpointJourney(input.journey, { templates, missingTemplates: 'error', pointer: input.pointer });
  if ('problems' in result) {
    const hint = values.templates ? [] : ['(the templates are read from --templates DIR)'];
    return fail([
      ...result.problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`),
      ...(result.problems.some((p) => /template/.test(p.message)) ? hint : []),
    ]);
  }
  const journey = await layoutJourney(result.journey);
  const text = formatJourney(journey);
  // The converter's output must be a journey that runs; a step it made wrongly is its own mistake, said as such.
  const errors = validateJourney(JSON.parse(text)).problems.filter((p) => p.severity === 'error');
  if (errors.length) return fail(errors.map((p) => `the converted journey has an error at ${p.path}: ${p.message}`));

  const out = values.out ?? `${journey.id}.journey.json`;
  await io.writeFile(out, text);
  io.out(values.json ? `${JSON.stringify({ file: out, ...result.report }, null, 2)}\n` : renderReport(result.report));
  io.err(`wrote ${out}\n`);
  return 0;
}
