/**
 * Content similarity for products without enough purchase history: TF-IDF vectors over the
 * words a shopper sees (title, description, tags, type, collection, categories), compared
 * by cosine. Everything is in memory; an index over 10k products takes a few MB.
 */
export type ContentDocument = {
  id: string
  title?: string | null
  description?: string | null
  tags?: (string | null | undefined)[]
  type?: string | null
  collection?: string | null
  categories?: (string | null | undefined)[]
}

export type ContentMatch = { id: string; score: number }

const STOPWORDS = new Set(
  (
    "a an and are as at be by for from has have in is it its of on or that the this to with " +
    "made make your you our all while into per than up"
  ).split(" ")
)

// A title says more about what a product is than its description; the facets are what
// merchandisers curate, so a shared category or type counts as a strong signal.
const FIELD_WEIGHTS = { title: 2, description: 1, facet: 1.5 } as const

export function tokenize(text: string | null | undefined): string[] {
  if (!text) {
    return []
  }
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((t) => t.length > 1 && !STOPWORDS.has(t))
    .map(stem)
}

// Plural and singular must meet ("filters" / "filter"); anything smarter is not worth it here.
function stem(token: string): string {
  if (token.length > 4 && token.endsWith("ies")) {
    return token.slice(0, -3) + "y"
  }
  if (token.length > 3 && token.endsWith("s") && !token.endsWith("ss")) {
    return token.slice(0, -1)
  }
  return token
}

function termFrequencies(doc: ContentDocument): Map<string, number> {
  const tf = new Map<string, number>()
  const add = (terms: string[], weight: number) => {
    for (const term of terms) {
      tf.set(term, (tf.get(term) ?? 0) + weight)
    }
  }
  add(tokenize(doc.title), FIELD_WEIGHTS.title)
  add(tokenize(doc.description), FIELD_WEIGHTS.description)
  const facets = [
    ...(doc.tags ?? []).map((t) => ["tag", t] as const),
    ...(doc.categories ?? []).map((c) => ["cat", c] as const),
    ["type", doc.type] as const,
    ["col", doc.collection] as const,
  ]
  for (const [kind, value] of facets) {
    if (!value) {
      continue
    }
    // The whole facet as one term, so "Brewing" the category is not just the word "brewing".
    add([`${kind}:${value.toLowerCase()}`], FIELD_WEIGHTS.facet)
    add(tokenize(value), FIELD_WEIGHTS.description)
  }
  return tf
}

export class ContentIndex {
  private readonly vectors = new Map<string, Map<string, number>>()
  private readonly postings = new Map<string, { id: string; weight: number }[]>()

  constructor(docs: ContentDocument[]) {
    const tfs = docs.map((d) => [d.id, termFrequencies(d)] as const)
    const df = new Map<string, number>()
    for (const [, tf] of tfs) {
      for (const term of tf.keys()) {
        df.set(term, (df.get(term) ?? 0) + 1)
      }
    }
    const n = tfs.length
    for (const [id, tf] of tfs) {
      const vector = new Map<string, number>()
      let norm = 0
      for (const [term, f] of tf) {
        // Smoothed idf: a term in every document still weighs a little instead of zero.
        const w = (1 + Math.log(f)) * Math.log((1 + n) / (1 + df.get(term)!))
        if (w > 0) {
          vector.set(term, w)
          norm += w * w
        }
      }
      norm = Math.sqrt(norm)
      for (const [term, w] of vector) {
        const unit = w / norm
        vector.set(term, unit)
        let list = this.postings.get(term)
        if (!list) {
          list = []
          this.postings.set(term, list)
        }
        list.push({ id, weight: unit })
      }
      this.vectors.set(id, vector)
    }
  }

  get size(): number {
    return this.vectors.size
  }

  has(id: string): boolean {
    return this.vectors.has(id)
  }

  /**
   * The `limit` most similar documents to `id` (cosine of unit vectors), never `id` itself
   * nor anything in `exclude`; documents sharing no term are not returned.
   */
  similar(id: string, limit: number, exclude: Set<string> = new Set()): ContentMatch[] {
    const vector = this.vectors.get(id)
    if (!vector) {
      return []
    }
    // Walking the postings of the query's terms touches only documents that share a term.
    const scores = new Map<string, number>()
    for (const [term, w] of vector) {
      for (const posting of this.postings.get(term)!) {
        scores.set(posting.id, (scores.get(posting.id) ?? 0) + w * posting.weight)
      }
    }
    scores.delete(id)
    return [...scores]
      .filter(([other, score]) => score > 0 && !exclude.has(other))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([other, score]) => ({ id: other, score: Math.round(score * 1e6) / 1e6 }))
  }
}
