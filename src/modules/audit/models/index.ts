export * from "./audit-entry"
