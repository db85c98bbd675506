// The firmware's entry point on a Moddable device (manifest.json: creation.main). It builds the
// device Platform from the manifest's config and starts the captive-portal setup app (src/main).
// Moddable calls the function a main module returns, so the module itself can be preloaded.

import Digital from "embedded:io/digital";
import config from "mc/config";
import type { LogLevel } from "../../modules/core/platform";
import { startDevice } from "../../src/main";
import type { SetupConfigInput } from "../../src/setup/setup-config";
import { createModdablePlatform } from "./platform";
import { ESP32_PREFERENCE_LIMITS, ESP8266_PREFERENCE_LIMITS } from "./preference-store";

interface McnetConfig {
  /** the setup app's settings (each target's manifest refines the root manifest's) */
  mcnet?: SetupConfigInput;
  /** which Preference limits apply: "esp32" (NVS) or "esp8266" */
  mcnetPreference?: "esp32" | "esp8266";
  mcnetLogLevel?: LogLevel;
  /** GPIO of the setup button (held 3 s: open the portal), wired to ground; -1 or absent: none.
   * GPIO 0 is BOOT on ESP32 DevKit boards and FLASH on NodeMCU (ESP8266). */
  mcnetButtonPin?: number;
}

export default function main(): void {
  const c = config as McnetConfig;
  const platform = createModdablePlatform({
    preferenceLimits: c.mcnetPreference === "esp8266" ? ESP8266_PREFERENCE_LIMITS : ESP32_PREFERENCE_LIMITS,
    logLevel: c.mcnetLogLevel ?? "info",
  });
  const pin = c.mcnetButtonPin ?? -1;
  const button = pin >= 0 ? new Digital({ pin, mode: Digital.InputPullUp }) : undefined;
  startDevice(platform, { config: c.mcnet, button, buttonOptions: { activeLow: true } });
}
