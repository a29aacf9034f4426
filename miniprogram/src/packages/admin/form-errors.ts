// The API's per-field refusals as a map the admin forms show next to their fields (in Chinese, as the
// server wrote them). Three shapes reach the admin pages: a 400 from request validation (details:
// [{path, message}]), a 422 naming fields (details: [{field, message}] for the rota, {fields: [...]} for
// categories), and a 409 refusing to disable a category that still has open cases.
import { ApiError } from '../../services/api'

export type FieldErrors = Record<string, string>

type Problem = { field?: unknown; path?: unknown; message?: unknown }

const problemsOf = (details: unknown): Problem[] => {
  if (Array.isArray(details)) return details as Problem[]
  if (details && typeof details === 'object' && Array.isArray((details as { fields?: unknown }).fields)) return (details as { fields: Problem[] }).fields
  return []
}

/** Field path → message ('' path: the request as a whole, under `_`); several messages on one field are joined. */
export function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {}
  if (err.code === 'category.has_open_cases') return { mapOpenCasesTo: err.message }
  const out: FieldErrors = {}
  for (const p of problemsOf(err.details)) {
    const key = typeof p.field === 'string' ? p.field : typeof p.path === 'string' ? p.path : ''
    const message = typeof p.message === 'string' ? p.message : ''
    if (!message) continue
    const k = key || '_'
    out[k] = out[k] ? `${out[k]}；${message}` : message
  }
  return out
}

/** The messages of the fields under `prefix` (itself included), e.g. every problem of `gridTypeLimits.海边`. */
export function errorsUnder(errors: FieldErrors, prefix: string): string[] {
  return Object.entries(errors).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`)).map(([, m]) => m)
}
