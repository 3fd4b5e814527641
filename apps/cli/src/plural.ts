// Thousands separators without Intl: the first Intl.NumberFormat of a process loads ICU's locale data (~29 ms
// here, measured with bench/profile.mjs), and Number#toLocaleString builds a formatter on every call.
/** `12,345`: a count or rate, rounded, with thousands separators (every number of rows or bytes the CLI prints). */
export const grouped = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** `1 statement`, `2 statements`, `1,000 statements`; give the plural where it is not the word and an s (`index`, `indexes`). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${grouped(n)} ${n === 1 ? singular : pluralForm}`
}
