// "mc/config" for the XS run: the manifest's config object, here whatever the host passes in the
// run's options (frozen, as Moddable freezes it).

import { call } from "./host";

const config = Object.freeze((call({ op: "config" }).header.config ?? {}) as Record<string, unknown>);

export default config;
