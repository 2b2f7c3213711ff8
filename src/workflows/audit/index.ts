export * from "./steps/record-audit-entries"
