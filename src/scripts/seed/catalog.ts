/**
 * The demo shop: a coffee roaster with two warehouses. Stock is split on purpose — some
 * variants sit in one warehouse only — so split shipment has something to split, and
 * one "flash sale" variant has very little stock, so contention has something to fight over.
 */
export const REGION = {
  name: "Europe",
  currency_code: "eur",
  countries: ["de", "nl", "fr", "be", "at"],
}

export const WAREHOUSES = [
  {
    key: "berlin",
    name: "Berlin Warehouse",
    address: { address_1: "Lagerstrasse 1", city: "Berlin", country_code: "DE" },
  },
  {
    key: "rotterdam",
    name: "Rotterdam Warehouse",
    address: { address_1: "Havenweg 7", city: "Rotterdam", country_code: "NL" },
  },
] as const

export type WarehouseKey = (typeof WAREHOUSES)[number]["key"]

export const CATEGORIES = ["Coffee", "Brewing", "Drinkware", "Accessories"] as const
export type CategoryName = (typeof CATEGORIES)[number]

export type SeedVariant = {
  title: string
  sku: string
  option: string
  price: number
  stock: Partial<Record<WarehouseKey, number>>
}

export type SeedProduct = {
  handle: string
  title: string
  description: string
  category: CategoryName
  optionTitle: string
  variants: SeedVariant[]
}

export const FLASH_SALE_SKU = "GEISHA-LIMITED-100G"

const v = (
  sku: string,
  option: string,
  price: number,
  stock: Partial<Record<WarehouseKey, number>>
): SeedVariant => ({ title: option, sku, option, price, stock })

export const PRODUCTS: SeedProduct[] = [
  {
    handle: "espresso-beans",
    title: "Espresso Beans",
    description: "Dark roast blend of Brazilian and Indian beans with notes of cocoa and hazelnut.",
    category: "Coffee",
    optionTitle: "Weight",
    variants: [
      v("ESPRESSO-250G", "250 g", 9.5, { berlin: 120, rotterdam: 80 }),
      v("ESPRESSO-1KG", "1 kg", 32, { berlin: 40, rotterdam: 25 }),
    ],
  },
  {
    handle: "filter-beans",
    title: "Filter Beans",
    description: "Light roast single origin from Ethiopia, bright and floral, made for pour-over.",
    category: "Coffee",
    optionTitle: "Weight",
    variants: [
      v("FILTER-250G", "250 g", 11, { berlin: 90 }),
      v("FILTER-1KG", "1 kg", 38, { rotterdam: 30 }),
    ],
  },
  {
    handle: "decaf-beans",
    title: "Decaf Beans",
    description: "Swiss water decaffeinated Colombian beans, medium roast, caramel sweetness.",
    category: "Coffee",
    optionTitle: "Weight",
    variants: [v("DECAF-250G", "250 g", 10, { berlin: 50, rotterdam: 50 })],
  },
  {
    handle: "geisha-limited",
    title: "Limited Geisha Beans",
    description: "Flash sale: a tiny lot of Panama Geisha, jasmine and bergamot, while stock lasts.",
    category: "Coffee",
    optionTitle: "Weight",
    variants: [v(FLASH_SALE_SKU, "100 g", 29, { berlin: 3 })],
  },
  {
    handle: "ceramic-mug",
    title: "Ceramic Mug",
    description: "Stoneware mug, 300 ml, dishwasher safe, made for everyday coffee.",
    category: "Drinkware",
    optionTitle: "Color",
    variants: [
      v("MUG-WHITE", "White", 14, { berlin: 60, rotterdam: 60 }),
      v("MUG-BLACK", "Black", 14, { rotterdam: 45 }),
    ],
  },
  {
    handle: "travel-mug",
    title: "Travel Mug",
    description: "Insulated stainless steel travel mug with a leak-proof lid, keeps coffee hot for hours.",
    category: "Drinkware",
    optionTitle: "Size",
    variants: [v("TRAVEL-MUG-350", "350 ml", 24, { berlin: 35, rotterdam: 20 })],
  },
  {
    handle: "pour-over-dripper",
    title: "Pour-Over Dripper",
    description: "Porcelain cone dripper for pour-over brewing, fits size 02 paper filters.",
    category: "Brewing",
    optionTitle: "Material",
    variants: [v("DRIPPER-CERAMIC", "Porcelain", 22, { berlin: 25, rotterdam: 15 })],
  },
  {
    handle: "paper-filters",
    title: "Paper Filters",
    description: "Unbleached size 02 paper filters for pour-over drippers, pack of 100.",
    category: "Brewing",
    optionTitle: "Pack",
    variants: [v("FILTERS-100", "100 pack", 5, { berlin: 200, rotterdam: 150 })],
  },
  {
    handle: "hand-grinder",
    title: "Hand Grinder",
    description: "Burr hand grinder with stepped adjustment from espresso to pour-over.",
    category: "Brewing",
    optionTitle: "Finish",
    variants: [v("GRINDER-STEEL", "Steel", 79, { berlin: 12 })],
  },
  {
    handle: "gooseneck-kettle",
    title: "Gooseneck Kettle",
    description: "Electric gooseneck kettle with temperature control for precise pour-over brewing.",
    category: "Brewing",
    optionTitle: "Plug",
    variants: [v("KETTLE-EU", "EU plug", 89, { rotterdam: 10 })],
  },
  {
    handle: "coffee-scale",
    title: "Coffee Scale",
    description: "Brewing scale with timer, 0.1 g precision, for espresso and pour-over.",
    category: "Accessories",
    optionTitle: "Color",
    variants: [v("SCALE-BLACK", "Black", 39, { berlin: 20, rotterdam: 20 })],
  },
  {
    handle: "milk-frother",
    title: "Milk Frother",
    description: "Handheld milk frother for lattes and cappuccinos at home.",
    category: "Accessories",
    optionTitle: "Color",
    variants: [v("FROTHER-SILVER", "Silver", 19, { berlin: 40 })],
  },
  {
    handle: "barista-apron",
    title: "Barista Apron",
    description: "Heavy canvas apron with leather straps and pockets for the home barista.",
    category: "Accessories",
    optionTitle: "Size",
    variants: [
      v("APRON-S", "S", 35, { berlin: 10, rotterdam: 5 }),
      v("APRON-L", "L", 35, { berlin: 10, rotterdam: 5 }),
    ],
  },
]

export const CUSTOMERS = [
  { email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" },
  { email: "grace@example.com", first_name: "Grace", last_name: "Hopper" },
  { email: "alan@example.com", first_name: "Alan", last_name: "Turing" },
]

export const PUBLISHABLE_KEY_TITLE = "OmniFlow Storefront"
export const DEFAULT_ADMIN = {
  email: process.env.OMNIFLOW_ADMIN_EMAIL || "admin@omniflow.local",
  password: process.env.OMNIFLOW_ADMIN_PASSWORD || "omniflow-admin",
}
