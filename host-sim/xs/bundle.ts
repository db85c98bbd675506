// Bundles device code into the single script xsnap evaluates (XS under xsnap has no loader for our
// files). The Moddable module specifiers the device code imports ("embedded:io/socket/tcp",
// "timer", "preference", "wifi", "crypt", ...) resolve to the XS-side implementations in
// embedded/, which forward to the Node host; so targets/moddable/platform.ts runs unchanged.
// A Node built-in anywhere in the graph fails the bundle: it could not exist on a device.

import * as esbuild from "esbuild";
import { builtinModules } from "node:module";
import * as path from "node:path";

const HERE = __dirname;
const EMBEDDED = path.join(HERE, "embedded");

/** Moddable module specifier -> the XS-run implementation. */
export const MODDABLE_MODULES: Record<string, string> = {
  "embedded:io/socket/tcp": path.join(EMBEDDED, "tcp.ts"),
  "embedded:io/socket/udp": path.join(EMBEDDED, "udp.ts"),
  "embedded:io/socket/listener": path.join(EMBEDDED, "listener.ts"),
  "embedded:io/digital": path.join(EMBEDDED, "digital.ts"),
  timer: path.join(EMBEDDED, "timer.ts"),
  time: path.join(EMBEDDED, "time.ts"),
  preference: path.join(EMBEDDED, "preference.ts"),
  wifi: path.join(EMBEDDED, "wifi.ts"),
  net: path.join(EMBEDDED, "net.ts"),
  crypt: path.join(EMBEDDED, "crypt.ts"),
  "mc/config": path.join(EMBEDDED, "config.ts"),
};

const NODE_BUILTINS = new Set(builtinModules);

const moddableModules: esbuild.Plugin = {
  name: "moddable-modules",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const target = MODDABLE_MODULES[args.path];
      if (target) return { path: target };
      const bare = args.path.startsWith("node:") ? args.path.slice(5) : args.path;
      if (args.path.startsWith("node:") || NODE_BUILTINS.has(bare.split("/")[0])) {
        return { errors: [{ text: `"${args.path}" is a Node built-in; it does not exist on XS (imported by ${path.relative(process.cwd(), args.importer)})` }] };
      }
      return undefined;
    });
  },
};

export type BundleKind = "scenario" | "suite";

function stub(kind: BundleKind, entry: string): string {
  const q = (p: string): string => JSON.stringify(p);
  const host = q(path.join(EMBEDDED, "host.ts"));
  const profile = q(path.join(EMBEDDED, "profile.ts"));
  const common = `import { installBridge, expose } from ${host};\nimport { useProfile } from ${profile};\n`;
  if (kind === "suite") {
    return `${common}import { installSuite } from ${q(path.join(EMBEDDED, "suite-harness.ts"))};\nimport factory from ${q(entry)};\ninstallBridge();\nexpose("bridge.profile", useProfile);\ninstallSuite(factory);\n`;
  }
  return `${common}import scenario from ${q(entry)};\ninstallBridge();\nexpose("bridge.profile", useProfile);\nexpose("main", scenario);\n`;
}

export interface BundleOptions {
  entry: string;
  kind: BundleKind;
}

/** Bundle `entry` (absolute or relative to the repository) with the XS bridge around it. */
export async function bundleForXs(options: BundleOptions): Promise<string> {
  const root = path.resolve(HERE, "..", "..");
  const entry = path.resolve(root, options.entry);
  const result = await esbuild.build({
    stdin: { contents: stub(options.kind, entry), resolveDir: root, sourcefile: `xs-${options.kind}-entry.ts`, loader: "ts" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
    plugins: [moddableModules],
  });
  return result.outputFiles[0].text;
}
