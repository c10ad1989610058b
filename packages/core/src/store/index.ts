// The store: protocol.md §2 and §4-7 records behind one synchronous interface.
export * from "./types.js";
export { SqliteStore } from "./sqlite-store.js";
export { MemoryStore } from "./memory-store.js";
export { migrate, schemaVersion, MIGRATIONS, type Migration } from "./migrations.js";
export { DELIVERY_MOVES, canMoveDelivery } from "./store-rules.js";
