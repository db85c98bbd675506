// Tests are transpiled by @swc/jest (type-checking is `npm run typecheck`, a separate step).
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testTimeout: 30000,
  // Integration tests open real sockets and spawn peers: two workers on a 2-core CI machine.
  maxWorkers: 2,
};
