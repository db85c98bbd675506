// End to end in a real browser: headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against host-sim in a child process. A connectivity probe leads to the portal,
// a hostile SSID renders as text, the no-JavaScript form works, a wrong password shows its
// failure, the right one shows the address, the portal shuts down, and after a reboot the device
// joins the saved network without a portal.
import * as fs from "node:fs";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { HostSim, tempDir } from "./host-sim-process";

jest.setTimeout(90000);

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
const HOME_ID = Buffer.from("HomeNet").toString("hex");

let sim: HostSim;
let rebooted: HostSim | undefined;
let context: BrowserContext;
let url: string;
let port: number;

const profiles: string[] = [];

/** A fresh browser profile each time: nothing cached from an earlier run. */
async function launch(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const dir = tempDir("mcnet-chromium-");
  profiles.push(dir);
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, javaScriptEnabled });
}

beforeAll(async () => {
  sim = HostSim.start("browser", { lingerMs: 30000, seenGraceMs: 3000, backgroundRetryMs: 0, joinTimeoutMs: 4000 });
  ({ url, port } = await sim.portal());
  context = await launch(true);
});

afterAll(async () => {
  await context?.close();
  await sim?.stop();
  await rebooted?.stop();
  for (const p of profiles) fs.rmSync(p, { recursive: true, force: true });
  sim?.cleanup();
});

function trapDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return dialogs;
}

test("without JavaScript: the fallback form lists networks and reports a failed join", async () => {
  const noJs = await launch(false);
  try {
    const page = await noJs.newPage();
    await page.goto(url);
    await page.click('a[href="/setup"]');
    await page.waitForURL(`${url}setup`);
    await page.check(`input[name=net][value="${HOME_ID}"]`);
    await page.fill("input[name=password]", "not-the-password");
    await page.click("button[type=submit]");
    await page.waitForURL(`${url}result`);
    // the result page refreshes itself while the join runs
    await page.waitForSelector(".state.bad", { timeout: 15000 });
    expect(await page.textContent(".state.bad")).toBe("The password for “HomeNet” is wrong.");
  } finally {
    await noJs.close();
  }
});

test("a probe leads to the portal; hostile SSIDs are text; wrong then right password; the portal shuts down", async () => {
  const page = await context.newPage();
  const dialogs = trapDialogs(page);
  // What an OS does on joining the AP: fetch its probe URL and follow the redirect.
  const probe = await page.goto(`http://127.0.0.1:${port}/generate_204`);
  expect(page.url()).toBe(url);
  expect(probe?.status()).toBe(200);
  expect(await page.textContent("h1")).toBe("Connect to Wi-Fi");

  await page.waitForSelector(`#list input[value="${HOME_ID}"]`);
  const names = await page.$$eval("#list .name", (els) => els.map((e) => e.textContent));
  expect(names).toContain("<script>alert(1)</script>");
  expect(names).toContain('Quote" \'attr\' &amp; \\ <b>');
  expect(names).toContain("Neighbour 5G 🚀📶");
  expect(await page.$$eval("script", (s) => s.length)).toBe(1);
  expect(await page.$$eval("#list b", (b) => b.length)).toBe(0);

  await page.check(`#list input[value="${HOME_ID}"]`);
  await page.fill("#password", "definitely-wrong");
  await page.click("#connect");
  await page.waitForSelector("#state.bad", { timeout: 15000 });
  expect(await page.textContent("#state")).toBe("The password for “HomeNet” is wrong.");
  expect(await page.isVisible("#retry")).toBe(true);

  await page.click("#retry");
  expect(await page.inputValue("#password")).toBe("");
  await page.check(`#list input[value="${HOME_ID}"]`);
  await page.fill("#password", "correct horse battery");
  const before = sim.stdout.length;
  await page.click("#connect");
  await page.waitForSelector("#state.ok", { timeout: 15000 });
  expect(await page.textContent("#state")).toContain("Connected to “HomeNet”.\nIP address: 192.168.1.57");
  expect(dialogs).toEqual([]);

  await sim.waitFor(/^mcnet: portal closed$/m, 15000, before);
  await expect(page.goto(url)).rejects.toThrow(/ERR_CONNECTION_REFUSED/);
});

test("after a simulated reboot the device joins the saved network without a portal", async () => {
  await sim.stop("SIGKILL");
  rebooted = sim.reboot();
  await rebooted.waitFor(/^mcnet: state station "HomeNet" 192\.168\.1\.57$/m, 15000);
  expect(rebooted.stdout).not.toContain("portal open");
});
