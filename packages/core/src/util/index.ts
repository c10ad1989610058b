export * from "./errors.js";
export * from "./clock.js";
export * from "./events.js";
export * from "./log.js";
