/** GET /api/v1/categories item (not yet in @finecity/types: see the README's API notes). */
export interface CategoryDto {
  code: string
  name: string
  bigClassCode: string
  bigClassName: string
  keywords: string[]
  common: boolean
  urgent: boolean
  hint: string | null
  confusableWith: string[]
}

export interface CategoryList {
  standardRef: string
  categories: CategoryDto[]
}

/**
 * The picker's order: common matters first, then by code. A query matches names, keywords, the big
 * class and codes; name matches rank above keyword matches.
 */
export function searchCategories(all: CategoryDto[], query: string, limit = 60): CategoryDto[] {
  const q = query.trim().toLowerCase()
  const score = (c: CategoryDto): number => {
    if (!q) return c.common ? 0 : 1
    if (c.name.includes(q)) return c.common ? 0 : 1
    if (c.keywords.some((k) => k.includes(q))) return 2
    if (c.bigClassName.includes(q) || c.code.startsWith(q)) return 3
    return -1
  }
  return all
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.c.code.localeCompare(b.c.code))
    .slice(0, limit)
    .map((x) => x.c)
}

export function confusables(all: CategoryDto[], c: CategoryDto): CategoryDto[] {
  return c.confusableWith.map((code) => all.find((x) => x.code === code)).filter((x): x is CategoryDto => !!x)
}
