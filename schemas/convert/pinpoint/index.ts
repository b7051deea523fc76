// Converting an Amazon Pinpoint journey: read the files' JSON, convert, report. See docs/pinpoint.md.
export { convertPinpointJourney, type ConversionResult, type ConvertOptions } from './convert.ts';
export { readPinpointJourney, readPinpointTemplate, type InputProblem, type PinpointJourney, type PinpointTemplate } from './input.ts';
export { renderReport, type ConversionReport } from './report.ts';
