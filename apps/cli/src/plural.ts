// One formatter for the whole process: `Number#toLocaleString` builds an Intl.NumberFormat (ICU data) on every
// call, which measured ~0.3 ms each — 29 ms of an apply-100 run that prints a count per migration (bench/profile.mjs).
const en = new Intl.NumberFormat('en')

/** `1 statement`, `2 statements`, `0 statements`; give the plural where it is not the word and an s (`index`, `indexes`). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${en.format(n)} ${n === 1 ? singular : pluralForm}`
}
