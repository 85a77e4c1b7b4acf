// Debian's Chromium, headless, as every browser test starts it: WebGL through SwiftShader,
// no network of its own (no background services, no downloads), and the map's idle wait.
import { chromium } from "playwright-core";

/** Launch Debian's Chromium for a test. */
export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--disable-quic",
    ],
  });
}

/** Wait until the web map on `page` has drawn everything after a repaint. */
export async function mapIdle(page) {
  await page.evaluate(() => { window.zdzIdle = false; window.zdzMap.triggerRepaint(); });
  await page.waitForFunction(() => window.zdzIdle === true && window.zdzMap.loaded(), null, { timeout: 60000 });
}

/** Open the web map at `base` and wait until it is ready and drawn; the page's error, if any. */
export async function openMap(page, base) {
  await page.goto(`${base}/map`);
  await page.waitForFunction(() => window.zdzReady === true || window.zdzError, null, { timeout: 60000 });
  const error = await page.evaluate(() => window.zdzError || null);
  await page.waitForFunction(() => window.zdzMap && window.zdzMap.loaded(), null, { timeout: 60000 });
  return error;
}
