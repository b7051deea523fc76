// A length of time as a number and a unit, written as the ISO 8601 duration the file keeps (P2D, PT4H).
export const durationUnits = [
  { unit: 'minutes', label: 'minutes', iso: (n: number) => `PT${n}M`, pattern: /^PT(\d+)M$/ },
  { unit: 'hours', label: 'hours', iso: (n: number) => `PT${n}H`, pattern: /^PT(\d+)H$/ },
  { unit: 'days', label: 'days', iso: (n: number) => `P${n}D`, pattern: /^P(\d+)D$/ },
  { unit: 'weeks', label: 'weeks', iso: (n: number) => `P${n}W`, pattern: /^P(\d+)W$/ },
] as const;

export type DurationUnit = (typeof durationUnits)[number]['unit'];

/** `P2D` reads `{ amount: 2, unit: 'days' }`; a duration mixing units (P1DT2H) does not fit a single unit. */
export function splitDuration(iso: string): { amount: number; unit: DurationUnit } | undefined {
  for (const u of durationUnits) {
    const match = u.pattern.exec(iso);
    if (match) return { amount: Number(match[1]), unit: u.unit };
  }
  return undefined;
}

export function joinDuration(amount: number, unit: DurationUnit): string {
  return durationUnits.find((u) => u.unit === unit)!.iso(amount);
}
