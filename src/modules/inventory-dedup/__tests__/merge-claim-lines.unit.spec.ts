import { mergeClaimLines } from "../service"

describe("mergeClaimLines", () => {
  it("sums lines that share an inventory item, so a bundle counts once per item", () => {
    const merged = mergeClaimLines([
      { inventory_item_id: "iitem_b", quantity: 1, sku: "BEANS-250G" },
      { inventory_item_id: "iitem_a", quantity: 2, sku: "MUG-WHITE" },
      { inventory_item_id: "iitem_b", quantity: 3, sku: "BUNDLE-BEANS-MUG" },
    ])
    expect(merged).toEqual([
      { inventory_item_id: "iitem_a", quantity: 2, sku: "MUG-WHITE" },
      { inventory_item_id: "iitem_b", quantity: 4, sku: "BEANS-250G + BUNDLE-BEANS-MUG" },
    ])
  })

  it("orders the result by inventory item, whatever the input order (the guard rows' lock order)", () => {
    const lines = [
      { inventory_item_id: "iitem_c", quantity: 1 },
      { inventory_item_id: "iitem_a", quantity: 1 },
      { inventory_item_id: "iitem_b", quantity: 1 },
    ]
    const ids = (ls: { inventory_item_id: string }[]) => ls.map((l) => l.inventory_item_id)
    expect(ids(mergeClaimLines(lines))).toEqual(["iitem_a", "iitem_b", "iitem_c"])
    expect(ids(mergeClaimLines([...lines].reverse()))).toEqual(["iitem_a", "iitem_b", "iitem_c"])
  })

  it("adds quantities as numbers even when they arrive as strings (BigNumber values from core)", () => {
    const merged = mergeClaimLines([
      { inventory_item_id: "iitem_a", quantity: "2" as unknown as number },
      { inventory_item_id: "iitem_a", quantity: "3" as unknown as number },
    ])
    expect(merged).toEqual([{ inventory_item_id: "iitem_a", quantity: 5, sku: null }])
  })

  it("keeps the SKUs it has and gives null when there are none", () => {
    expect(
      mergeClaimLines([
        { inventory_item_id: "iitem_a", quantity: 1, sku: null },
        { inventory_item_id: "iitem_a", quantity: 1, sku: "MUG-WHITE" },
        { inventory_item_id: "iitem_b", quantity: 1 },
      ])
    ).toEqual([
      { inventory_item_id: "iitem_a", quantity: 2, sku: "MUG-WHITE" },
      { inventory_item_id: "iitem_b", quantity: 1, sku: null },
    ])
  })

  it("does not change its input, and returns nothing for nothing", () => {
    const lines = [
      { inventory_item_id: "iitem_a", quantity: 1, sku: "A" },
      { inventory_item_id: "iitem_a", quantity: 1, sku: "B" },
    ]
    const copy = JSON.parse(JSON.stringify(lines))
    mergeClaimLines(lines)
    expect(lines).toEqual(copy)
    expect(mergeClaimLines([])).toEqual([])
  })
})
