// Device code (modules/, src/, targets/) runs on XS: no Node APIs, no Node globals.
// Time, sockets, randomness, digests, storage and Wi-Fi come from the Platform.
import tseslint from "typescript-eslint";

const nodeGlobals = [
  "Buffer", "process", "require", "module", "exports", "__dirname", "__filename", "global",
  "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate",
  "queueMicrotask", "TextEncoder", "TextDecoder", "URL", "URLSearchParams", "fetch", "console",
  "structuredClone", "performance", "atob", "btoa", "crypto", "AbortController", "Blob",
];

export default tseslint.config(
  { ignores: ["node_modules/**", "**/*.d.ts"] },
  {
    files: ["modules/**/*.ts", "src/**/*.ts", "targets/**/*.ts"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: "module" },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "no-restricted-globals": ["error", ...nodeGlobals.map((name) => ({ name, message: `${name} is not available on XS; use the Platform.` }))],
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: "^node:", message: "node:* modules do not exist on XS; use the Platform." },
          { regex: "^(fs|net|dgram|crypto|os|path|http|https|events|stream|child_process|util|buffer|timers|url|dns|tls|zlib)(/.*)?$", message: "Node built-ins do not exist on XS; use the Platform." },
        ],
      }],
      "no-restricted-syntax": ["error",
        { selector: "CallExpression[callee.name='require']", message: "require() does not exist on XS." },
        { selector: "MemberExpression[object.name='globalThis'][property.name=/^(process|Buffer|require|setTimeout|setInterval|setImmediate)$/]", message: "Node globals do not exist on XS; use the Platform." },
      ],
    },
  },
);
