// Lint, and the arrows between modules (docs/architecture.md "Arrows"):
// sip and xmpp never import each other; lower SIP layers never import higher
// ones; daemon imports @cusax/core's entry only.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Which SIP layers each layer must not import (higher ones). auth sits beside
// transaction: it only needs messages.
const sipForbidden = {
  message: ["transport", "transaction", "dialog", "auth", "register", "call"],
  transport: ["transaction", "dialog", "auth", "register", "call"],
  transaction: ["dialog", "auth", "register", "call"],
  auth: ["transport", "transaction", "dialog", "register", "call"],
  dialog: ["register", "call"],
  register: ["call"],
  call: ["register"],
};

const restrict = (patterns) => ({
  "no-restricted-imports": ["error", { patterns }],
});

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".world-logs/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    files: ["packages/core/src/sip/**/*.ts"],
    rules: restrict([
      { group: ["**/xmpp/**", "**/xmpp", "**/link/**", "**/store/**", "@xmpp/*"], message: "sip/ never imports xmpp/, link/ or store/." },
    ]),
  },
  {
    files: ["packages/core/src/xmpp/**/*.ts"],
    rules: restrict([
      { group: ["**/sip/**", "**/sip", "**/link/**", "**/store/**", "**/media/**", "**/sdp/**"], message: "xmpp/ never imports sip/, media/, link/ or store/." },
    ]),
  },
  ...Object.entries(sipForbidden).map(([layer, higher]) => ({
    files: [`packages/core/src/sip/${layer}/**/*.ts`],
    rules: restrict([
      { group: ["**/xmpp/**", "**/xmpp", "**/link/**", "**/store/**", "@xmpp/*"], message: "sip/ never imports xmpp/, link/ or store/." },
      { group: higher.map((h) => `../${h}/**`).concat(higher.map((h) => `../${h}`)), message: `sip/${layer} is below ${higher.join(", ")}: a lower layer never imports a higher one.` },
    ]),
  })),
  {
    files: ["packages/core/src/link/**/*.ts"],
    rules: restrict([
      { group: ["../sip/*", "!../sip/index.js", "../sip/*/**", "../xmpp/*", "!../xmpp/index.js", "../xmpp/*/**"], message: "link/ uses sip/ and xmpp/ only through their index.ts facades." },
    ]),
  },
  {
    files: ["packages/core/src/util/**/*.ts"],
    rules: restrict([
      { group: ["../*/**", "!../util/**"], message: "util/ is the bottom layer: it imports nothing else from core." },
    ]),
  },
  {
    files: ["packages/daemon/**/*.ts"],
    rules: restrict([
      { group: ["@cusax/core/*", "**/core/src/**", "../../core/**"], message: "daemon imports @cusax/core's package entry only." },
    ]),
  },
  {
    files: ["packages/web/**/*.ts", "packages/web/**/*.tsx"],
    rules: restrict([
      { group: ["@cusax/core", "@cusax/core/*", "@cusax/daemon", "@cusax/daemon/*", "**/core/src/**", "**/daemon/src/**", "../../core/**", "../../daemon/**"], message: "web talks to the daemon's HTTP API only: it imports neither core nor daemon." },
    ]),
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
