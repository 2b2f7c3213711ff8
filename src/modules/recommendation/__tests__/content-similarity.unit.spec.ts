import { ContentIndex, tokenize } from "../content-similarity"

const docs = [
  { id: "dripper", title: "Pour-Over Dripper", description: "Porcelain cone for pour-over brewing.", categories: ["Brewing"] },
  { id: "filters", title: "Paper Filters", description: "Paper filters for pour-over drippers.", categories: ["Brewing"] },
  { id: "kettle", title: "Gooseneck Kettle", description: "Kettle for precise pour-over brewing.", categories: ["Brewing"] },
  { id: "mug", title: "Ceramic Mug", description: "Stoneware mug for everyday coffee.", categories: ["Drinkware"] },
  { id: "apron", title: "Barista Apron", description: "Canvas apron.", tags: ["gift"], categories: ["Accessories"] },
]

describe("content similarity", () => {
  it("tokenises to lower-case stems without stop words", () => {
    expect(tokenize("The Paper Filters, for Pour-Over!")).toEqual(["paper", "filter", "pour", "over"])
  })

  it("ranks by shared, rare terms and never returns the product itself", () => {
    const index = new ContentIndex(docs)
    const similar = index.similar("dripper", 10)
    expect(similar.map((m) => m.id)).toEqual(["filters", "kettle"])
    expect(similar[0].score).toBeGreaterThan(similar[1].score)
    expect(similar[0].score).toBeLessThanOrEqual(1)
  })

  it("honours exclusions and limits, and knows nothing about unknown ids", () => {
    const index = new ContentIndex(docs)
    expect(index.similar("dripper", 1).map((m) => m.id)).toEqual(["filters"])
    expect(index.similar("dripper", 10, new Set(["filters"])).map((m) => m.id)).toEqual(["kettle"])
    expect(index.similar("nope", 10)).toEqual([])
    // No shared term: no recommendation rather than a random one.
    expect(index.similar("apron", 10)).toEqual([])
  })
})
