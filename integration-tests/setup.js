const { MetadataStorage } = require("@medusajs/framework/mikro-orm/core")

// Entities registered by one test file must not leak into the next one's ORM.
MetadataStorage.clear()
