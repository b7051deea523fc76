// Day sets the profiles' hour tables are written with.
import type { Weekday } from '../hours.ts';

export const everyDay: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const monToFri: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
export const monToSat: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
