import { StrataError } from './errors.js'

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Substitutes `${name}` placeholders at run time, so one set of files can target a test keyspace.
 * An unknown placeholder is an error naming the file and statement, never an empty string.
 */
export function renderPlaceholders(
  text: string,
  values: Readonly<Record<string, string>>,
  where: { file?: string; version?: string; statementIndex?: number } = {},
): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name]
    if (value === undefined) {
      const known = Object.keys(values).join(', ') || 'none'
      throw new StrataError('E_PLACEHOLDER', `unknown placeholder \${${name}} in ${where.file ?? 'statement'} (known: ${known})`, {
        ...where,
        statement: text,
      })
    }
    return value
  })
}

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string)
}
