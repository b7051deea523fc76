// JSON pointers name fields in problems; the inspector gives each field an element id from its pointer.
export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function fieldId(path: string): string {
  return `field:${path}`;
}

/** Focuses the field a pointer names, or the nearest field that contains it; returns whether one was found. */
export function focusField(path: string): boolean {
  for (let p = path; p; p = p.slice(0, p.lastIndexOf('/'))) {
    const element = document.getElementById(fieldId(p));
    if (element) {
      const target = element.matches('input, select, textarea, button') ? element : element.querySelector<HTMLElement>('input, select, textarea, button');
      (target ?? element).focus();
      (target ?? element).scrollIntoView({ block: 'nearest' });
      return true;
    }
  }
  return false;
}
