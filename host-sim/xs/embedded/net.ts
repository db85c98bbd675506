// "net" for the XS run: Net.get(property, interface?) answered by the host's simulated radio
// ("IP", "MAC", "SSID", "BSSID", "RSSI", "CHANNEL"; interface "station" or "ap").

import { call } from "./host";

const Net = {
  get(property: string, iface?: "station" | "ap"): string | number | undefined {
    return call({ op: "net.get", property, iface }).header.value as string | number | undefined;
  },
};

export default Net;
