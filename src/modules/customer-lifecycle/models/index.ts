export * from "./onboarding"
export * from "./privacy-request"
