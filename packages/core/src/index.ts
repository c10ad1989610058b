// @cusax/core: the library's only entry. No I/O at import time.
export * from "./util/index.js";
