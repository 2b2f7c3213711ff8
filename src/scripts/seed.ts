import {
  createApiKeysWorkflow,
  createCustomersWorkflow,
  createInventoryLevelsWorkflow,
  createProductCategoriesWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import { ExecArgs, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils"
import {
  CATEGORIES,
  CUSTOMERS,
  DEFAULT_ADMIN,
  PRODUCTS,
  PUBLISHABLE_KEY_TITLE,
  REGION,
  WAREHOUSES,
  WarehouseKey,
} from "./seed/catalog"
import { ensureAdminUser } from "./seed/admin-user"
import { seedHistoricOrders } from "./seed/historic-orders"

export type SeedResult = {
  publishableKey: string
  salesChannelId: string
  regionId: string
  shippingProfileId: string
  stockLocations: Record<WarehouseKey, string>
  shippingOptions: Record<WarehouseKey, string>
  variantsBySku: Record<string, { id: string; productId: string; inventoryItemId: string }>
  admin: { email: string; password: string }
}

type Log = (message: string) => void

/**
 * Builds the demo shop. Every stage looks for what it would create first, so running it
 * again creates nothing new; `npm run dev` and the tests both call it.
 */
export async function seedDemoData(
  container: MedusaContainer,
  log: Log = () => {}
): Promise<SeedResult> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const salesChannelModule = container.resolve(Modules.SALES_CHANNEL)
  const storeModule = container.resolve(Modules.STORE)
  const regionModule = container.resolve(Modules.REGION)
  const taxModule = container.resolve(Modules.TAX)
  const stockLocationModule = container.resolve(Modules.STOCK_LOCATION)
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT)
  const apiKeyModule = container.resolve(Modules.API_KEY)
  const productModule = container.resolve(Modules.PRODUCT)
  const inventoryModule = container.resolve(Modules.INVENTORY)
  const customerModule = container.resolve(Modules.CUSTOMER)

  log("[1/9] sales channel and store")
  let [salesChannel] = await salesChannelModule.listSalesChannels({ name: "Default Sales Channel" })
  if (!salesChannel) {
    const { result } = await createSalesChannelsWorkflow(container).run({
      input: { salesChannelsData: [{ name: "Default Sales Channel" }] },
    })
    salesChannel = result[0]
  }
  const [store] = await storeModule.listStores({}, { relations: ["supported_currencies"] })
  const hasEur = store.supported_currencies?.some((c) => c.currency_code === REGION.currency_code)
  if (!hasEur || store.default_sales_channel_id !== salesChannel.id) {
    await updateStoresWorkflow(container).run({
      input: {
        selector: { id: store.id },
        update: {
          supported_currencies: [{ currency_code: REGION.currency_code, is_default: true }],
          default_sales_channel_id: salesChannel.id,
        },
      },
    })
  }

  log("[2/9] publishable API key")
  let [apiKey] = await apiKeyModule.listApiKeys({ title: PUBLISHABLE_KEY_TITLE, type: "publishable" })
  if (!apiKey) {
    const { result } = await createApiKeysWorkflow(container).run({
      input: { api_keys: [{ title: PUBLISHABLE_KEY_TITLE, type: "publishable", created_by: "" }] },
    })
    apiKey = result[0]
    await linkSalesChannelsToApiKeyWorkflow(container).run({
      input: { id: apiKey.id, add: [salesChannel.id] },
    })
  }

  log("[3/9] region and tax regions")
  let [region] = await regionModule.listRegions({ name: REGION.name })
  if (!region) {
    const { result } = await createRegionsWorkflow(container).run({
      input: {
        regions: [
          {
            name: REGION.name,
            currency_code: REGION.currency_code,
            countries: REGION.countries,
            payment_providers: ["pp_system_default"],
          },
        ],
      },
    })
    region = result[0]
  }
  const taxRegions = await taxModule.listTaxRegions({ country_code: REGION.countries })
  const missingTax = REGION.countries.filter(
    (c) => !taxRegions.some((t) => t.country_code === c && !t.province_code)
  )
  if (missingTax.length) {
    await createTaxRegionsWorkflow(container).run({
      input: missingTax.map((country_code) => ({ country_code, provider_id: "tp_system" })),
    })
  }

  log("[4/9] shipping profile")
  let [shippingProfile] = await fulfillmentModule.listShippingProfiles({ type: "default" })
  if (!shippingProfile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    })
    shippingProfile = result[0]
  }

  log("[5/9] warehouses: stock locations, fulfillment sets, shipping options")
  const stockLocations = {} as Record<WarehouseKey, string>
  const shippingOptions = {} as Record<WarehouseKey, string>
  for (const warehouse of WAREHOUSES) {
    let [location] = await stockLocationModule.listStockLocations({ name: warehouse.name })
    if (!location) {
      const { result } = await createStockLocationsWorkflow(container).run({
        input: { locations: [{ name: warehouse.name, address: warehouse.address }] },
      })
      location = result[0]
      await linkSalesChannelsToStockLocationWorkflow(container).run({
        input: { id: location.id, add: [salesChannel.id] },
      })
      await link.create({
        [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
      })
    }
    stockLocations[warehouse.key] = location.id

    const setName = `${warehouse.name} delivery`
    let [fulfillmentSet] = await fulfillmentModule.listFulfillmentSets(
      { name: setName },
      { relations: ["service_zones"] }
    )
    if (!fulfillmentSet) {
      fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
        name: setName,
        type: "shipping",
        service_zones: [
          {
            name: `${warehouse.name} – Europe`,
            geo_zones: REGION.countries.map((country_code) => ({ country_code, type: "country" as const })),
          },
        ],
      })
      await link.create({
        [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
      })
    }

    const optionName = `Standard from ${warehouse.name}`
    let [option] = await fulfillmentModule.listShippingOptions({ name: optionName })
    if (!option) {
      const { result } = await createShippingOptionsWorkflow(container).run({
        input: [
          {
            name: optionName,
            price_type: "flat",
            provider_id: "manual_manual",
            service_zone_id: fulfillmentSet.service_zones[0].id,
            shipping_profile_id: shippingProfile.id,
            type: { label: "Standard", description: "Ships in 2-3 days.", code: "standard" },
            prices: [
              { currency_code: REGION.currency_code, amount: 5 },
              { region_id: region.id, amount: 5 },
            ],
            rules: [
              { attribute: "enabled_in_store", value: "true", operator: "eq" },
              { attribute: "is_return", value: "false", operator: "eq" },
            ],
          },
        ],
      })
      option = result[0]
    }
    shippingOptions[warehouse.key] = option.id
  }

  log("[6/9] categories")
  const categoryIds: Record<string, string> = {}
  const existingCategories = await productModule.listProductCategories({ name: [...CATEGORIES] })
  for (const c of existingCategories) {
    categoryIds[c.name] = c.id
  }
  const missingCategories = CATEGORIES.filter((name) => !categoryIds[name])
  if (missingCategories.length) {
    const { result } = await createProductCategoriesWorkflow(container).run({
      input: { product_categories: missingCategories.map((name) => ({ name, is_active: true })) },
    })
    for (const c of result) {
      categoryIds[c.name] = c.id
    }
  }

  log("[7/9] products")
  const existingProducts = await productModule.listProducts(
    { handle: PRODUCTS.map((p) => p.handle) },
    { select: ["handle"] }
  )
  const existingHandles = new Set(existingProducts.map((p) => p.handle))
  const newProducts = PRODUCTS.filter((p) => !existingHandles.has(p.handle))
  if (newProducts.length) {
    await createProductsWorkflow(container).run({
      input: {
        products: newProducts.map((p) => ({
          title: p.title,
          handle: p.handle,
          description: p.description,
          status: ProductStatus.PUBLISHED,
          shipping_profile_id: shippingProfile.id,
          category_ids: [categoryIds[p.category]],
          options: [{ title: p.optionTitle, values: p.variants.map((variant) => variant.option) }],
          variants: p.variants.map((variant) => ({
            title: variant.title,
            sku: variant.sku,
            options: { [p.optionTitle]: variant.option },
            manage_inventory: true,
            prices: [{ amount: variant.price, currency_code: REGION.currency_code }],
          })),
          sales_channels: [{ id: salesChannel.id }],
        })),
      },
    })
  }
  log(`      ${newProducts.length} created, ${existingHandles.size} already there`)

  log("[8/9] stock per warehouse")
  const allSkus = PRODUCTS.flatMap((p) => p.variants.map((variant) => variant.sku))
  const { data: variants } = await query.graph({
    entity: "product_variant",
    fields: ["id", "sku", "product_id", "inventory_items.inventory_item_id"],
    filters: { sku: allSkus },
  })
  const variantsBySku: SeedResult["variantsBySku"] = {}
  for (const variant of variants) {
    variantsBySku[variant.sku!] = {
      id: variant.id,
      productId: variant.product_id!,
      inventoryItemId: variant.inventory_items![0]!.inventory_item_id,
    }
  }
  const itemIds = Object.values(variantsBySku).map((x) => x.inventoryItemId)
  const existingLevels = await inventoryModule.listInventoryLevels({ inventory_item_id: itemIds })
  const haveLevel = new Set(existingLevels.map((l) => `${l.inventory_item_id}:${l.location_id}`))
  const levels = PRODUCTS.flatMap((p) =>
    p.variants.flatMap((variant) =>
      Object.entries(variant.stock).map(([key, quantity]) => ({
        inventory_item_id: variantsBySku[variant.sku].inventoryItemId,
        location_id: stockLocations[key as WarehouseKey],
        stocked_quantity: quantity!,
      }))
    )
  ).filter((l) => !haveLevel.has(`${l.inventory_item_id}:${l.location_id}`))
  if (levels.length) {
    await createInventoryLevelsWorkflow(container).run({ input: { inventory_levels: levels } })
  }
  log(`      ${levels.length} stock levels created`)

  log("[9/9] customers and admin user")
  const existingCustomers = await customerModule.listCustomers({ email: CUSTOMERS.map((c) => c.email) })
  const newCustomers = CUSTOMERS.filter((c) => !existingCustomers.some((e) => e.email === c.email))
  if (newCustomers.length) {
    await createCustomersWorkflow(container).run({ input: { customersData: newCustomers } })
  }
  await ensureAdminUser(container, DEFAULT_ADMIN)

  return {
    publishableKey: apiKey.token,
    salesChannelId: salesChannel.id,
    regionId: region.id,
    shippingProfileId: shippingProfile.id,
    stockLocations,
    shippingOptions,
    variantsBySku,
    admin: DEFAULT_ADMIN,
  }
}

export default async function seed({ container }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const started = Date.now()
  const result = await seedDemoData(container, (m) => logger.info(`seed ${m}`))
  // Kept out of seedDemoData: the HTTP suites count orders and start from an order-free shop.
  logger.info("seed [+] historic orders for recommendations")
  await seedHistoricOrders(container, result, (m) => logger.info(`seed ${m}`))
  logger.info(`seed done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  logger.info(`seed publishable API key: ${result.publishableKey}`)
  logger.info(`seed admin: ${result.admin.email} / ${result.admin.password}`)
}
