export * from "./onboard-customer"
export * from "./record-customer-groups"
export * from "./record-user-roles"
