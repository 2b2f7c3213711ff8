export * from "./flow-run"
