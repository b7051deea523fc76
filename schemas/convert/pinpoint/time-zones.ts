// Pinpoint's schedule time zones (UTC offsets such as UTC-05 or UTC+05:30) as the IANA names a journey file uses.

/** Offsets that are not whole hours have no Etc/ zone: a place that keeps that offset stands for it. */
const placesOfOffset: Record<string, string> = {
  '+03:30': 'Asia/Tehran',
  '+04:30': 'Asia/Kabul',
  '+05:30': 'Asia/Kolkata',
  '+05:45': 'Asia/Kathmandu',
  '+06:30': 'Asia/Yangon',
  '+08:45': 'Australia/Eucla',
  '+09:30': 'Australia/Darwin',
  '+10:30': 'Australia/Lord_Howe',
  '+12:45': 'Pacific/Chatham',
  '+13:45': 'Pacific/Chatham',
  '-02:30': 'America/St_Johns',
  '-03:30': 'America/St_Johns',
  '-09:30': 'Pacific/Marquesas',
};

/** The IANA zone of a Pinpoint time zone (UTC, UTC+01, UTC-05, UTC+05:30), or undefined when it is not one of them. */
export function ianaZoneOf(pinpointZone: string): string | undefined {
  if (pinpointZone === 'UTC') return 'UTC';
  const match = /^UTC([+-])(\d{2})(?::(\d{2}))?$/.exec(pinpointZone);
  if (!match) return undefined;
  const [, sign, hours, minutes = '00'] = match;
  if (minutes !== '00') return placesOfOffset[`${sign}${hours}:${minutes}`];
  const h = Number(hours);
  if (h === 0) return 'UTC';
  if (h > 14) return undefined;
  // Etc/ zones count the other way: Etc/GMT+5 is five hours behind UTC.
  return `Etc/GMT${sign === '+' ? '-' : '+'}${h}`;
}
