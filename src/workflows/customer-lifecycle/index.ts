export * from "./onboard-customer"
export * from "./record-customer-groups"
