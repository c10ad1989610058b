// A password or token that never reaches a log: printing, JSON and
// util.inspect all show "[redacted]"; only `reveal()` gives the value.
import { inspect } from "node:util";

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}
