// Smoke test of the web client in Firefox, driven by puppeteer-core over WebDriver BiDi: two people
// register in two browser contexts, become friends, chat both ways; a screenshot is saved.
//   node scripts/firefox-smoke.mjs BASE_URL SCREENSHOT.png
// The Firefox binary is $OURCHAT_TEST_FIREFOX (default /usr/bin/firefox-esr). Prints one JSON line.
import puppeteer from "puppeteer-core";

const [base, screenshot] = process.argv.slice(2);
const executablePath = process.env.OURCHAT_TEST_FIREFOX || "/usr/bin/firefox-esr";
const PASSWORD = "correct-Horse-battery-9";
// Generous: on a loaded machine Firefox may take a minute to make an RSA key pair.
const TIMEOUT = 120_000;

const step = (what) => console.error(`${new Date().toISOString()} ${what}`);

/** The element for the first match of `find` (run in the page), once it exists. */
async function waitFor(page, find, ...args) {
  // Background tabs are throttled: bring the page waited on to the front.
  await page.bringToFront();
  const handle = await page.waitForFunction(find, { timeout: TIMEOUT, polling: 250 }, ...args);
  return handle.asElement();
}

/** A button by its accessible name (aria-label, else its text); `prefix` also matches "Friends 1". */
function button(page, name, { within = "body", prefix = false } = {}) {
  return waitFor(
    page,
    (name, within, prefix) =>
      [...document.querySelectorAll(`${within} button`)].find((b) => {
        const label = (b.getAttribute("aria-label") ?? b.textContent ?? "").trim();
        return prefix ? label.startsWith(name) : label === name;
      }),
    name,
    within,
    prefix,
  );
}

/** The input inside the <label> whose own text is `name`. */
function field(page, name) {
  return waitFor(
    page,
    (name) =>
      [...document.querySelectorAll("label")]
        .find((l) => [...l.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim() === name)
        ?.querySelector("input, textarea"),
    name,
  );
}

/** An element matching `selector` whose text contains `text`. */
function withText(page, selector, text) {
  return waitFor(page, (s, t) => [...document.querySelectorAll(s)].find((e) => e.textContent.includes(t)), selector, text);
}

/** Set a form field as typing would end (one input event: typing key by key is slow here). */
async function fill(page, name, value) {
  const input = await field(page, name);
  await input.evaluate((el, v) => {
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value").set.call(el, v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

async function register(page, name) {
  step(`register ${name}`);
  await (await button(page, "New here? Register")).click();
  await fill(page, "Email", `${name.toLowerCase()}@example.org`);
  await fill(page, "Name", name);
  await fill(page, "Password", PASSWORD);
  await (await button(page, "Register")).click();
  step(`registering ${name}`);
  const ocid = await (await waitFor(page, () => document.querySelector("[data-testid=my-ocid]"))).evaluate((e) => e.textContent);
  await (await button(page, "Continue")).click();
  await button(page, "Log out");
  return ocid;
}

const tab = async (page, name) => (await button(page, name, { within: "nav.tabs", prefix: true })).click();

async function openChat(page, title) {
  step(`open chat ${title}`);
  await tab(page, "Chats");
  await (await button(page, title, { within: ".session-list", prefix: true })).click();
  await waitFor(page, () => document.querySelector("textarea[aria-label=Message], .composer textarea"));
}

async function send(page, text) {
  step(`send ${text}`);
  const box = await waitFor(page, () => document.querySelector(".composer textarea"));
  await box.click();
  await box.type(text);
  await (await button(page, "Send")).click();
  await withText(page, ".message.mine", text);
}

const browser = await puppeteer.launch({ browser: "firefox", executablePath, headless: true, protocolTimeout: 180_000 });
try {
  const version = await browser.version();
  const [alice, bob] = await Promise.all(
    [0, 1].map(async () => {
      const page = await (await browser.createBrowserContext()).newPage();
      await page.setViewport({ width: 1100, height: 760 });
      await page.goto(base, { waitUntil: "load" });
      return page;
    }),
  );
  await register(alice, "Alice");
  const bobOcid = await register(bob, "Bob");

  await tab(alice, "Friends");
  await fill(alice, "Friend's OCID", bobOcid);
  await fill(alice, "Request message", "hi Bob");
  await (await button(alice, "Send friend request")).click();
  await withText(alice, "[role=status]", "Friend request sent");
  await tab(bob, "Friends");
  await (await button(bob, "Accept Alice")).click();
  await button(bob, "Remove friend Alice");

  await openChat(alice, "Bob");
  await openChat(bob, "Alice");
  await send(alice, "hello from Firefox");
  await withText(bob, ".message.theirs", "hello from Firefox");
  await send(bob, "hello back");
  await withText(alice, ".message.theirs", "hello back");
  await alice.screenshot({ path: screenshot });
  console.log(JSON.stringify({ ok: true, browser: version, screenshot }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err?.stack ?? err) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
