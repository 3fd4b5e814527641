/** `1 statement`, `2 statements`, `0 statements`; give the plural where it is not the word and an s (`index`, `indexes`). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? singular : pluralForm}`
}
