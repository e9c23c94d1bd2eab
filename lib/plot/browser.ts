/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket; no npm package): open a
 * page, collect its console errors, uncaught exceptions and failed or outside requests, evaluate
 * expressions in it, take screenshots. The tests use it to check that figure pages and exported
 * notebooks render offline; it needs Debian's `chromium` (`deno task setup --with-chromium`).
 * @module
 */
import * as path from "node:path";

/** Where Chromium may be installed; the first that exists is used. */
export const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The Chromium binary, or null when none is installed. */
export function findChromium(): string | null {
  for (const p of CHROMIUM_CANDIDATES) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  return null;
}

/** What went wrong on a page while it loaded and ran. */
export interface PageProblem {
  kind: "console" | "exception" | "log" | "request";
  text: string;
}

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

/** One DevTools WebSocket session (a page target). */
class Session {
  #ws: WebSocket;
  #id = 0;
  #pending = new Map<number, Pending>();
  #listeners: ((method: string, params: Record<string, unknown>) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (typeof msg.id === "number") {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`DevTools: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else if (typeof msg.method === "string") {
        for (const l of this.#listeners) l(msg.method, msg.params ?? {});
      }
    };
  }

  static open(url: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new Session(ws));
      ws.onerror = () => reject(new Error(`cannot open the DevTools socket ${url}`));
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(listener: (method: string, params: Record<string, unknown>) => void): void {
    this.#listeners.push(listener);
  }

  close(): void {
    for (const p of this.#pending.values()) p.reject(new Error("DevTools session closed"));
    this.#pending.clear();
    this.#ws.close();
  }
}

/** An open page. */
export interface Page {
  /** Console errors, uncaught exceptions, failed requests and requests that left the machine. */
  problems: PageProblem[];
  /** Evaluates `expression` in the page (promises awaited) and returns its JSON value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** A PNG of the whole page at `width` CSS pixels. */
  screenshot(width?: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const SAFE_SCHEMES = /^(file|data|blob|about|chrome|devtools):/;

/** A headless Chromium process. */
export class Browser {
  #child: Deno.ChildProcess;
  #port: number;
  #profile: string;

  private constructor(child: Deno.ChildProcess, port: number, profile: string) {
    this.#child = child;
    this.#port = port;
    this.#profile = profile;
  }

  /** Starts Chromium headless; throws naming the binary when it cannot. */
  static async launch(binary = findChromium()): Promise<Browser> {
    if (!binary) {
      throw new Error(
        `no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(", ")}): ` +
          "run `deno task setup --with-chromium`",
      );
    }
    const profile = await Deno.makeTempDir({ prefix: "plm-chromium-" });
    const child = new Deno.Command(binary, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--allow-file-access-from-files",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/..." once it is ready.
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    let port = 0;
    while (!port) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
      port = Number(seen.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//)?.[1] ?? 0);
    }
    // Keep draining stderr so Chromium never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch { /* closed */ }
    })();
    if (!port) {
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw new Error(`${binary} did not start:\n${seen.slice(-2000)}`);
    }
    return new Browser(child, port, profile);
  }

  /**
   * Opens `target` (a URL, or a path of a local file) in a new tab, waits for its load event and
   * for `settleMs` more (scripts drawing figures after load), and records its problems.
   */
  async open(target: string, options: { settleMs?: number; width?: number } = {}): Promise<Page> {
    const url = /^[a-z]+:/.test(target) ? target : `file://${path.resolve(target)}`;
    const res = await fetch(`http://127.0.0.1:${this.#port}/json/new?about:blank`, {
      method: "PUT",
    });
    const info = await res.json() as { id: string; webSocketDebuggerUrl: string };
    const s = await Session.open(info.webSocketDebuggerUrl);
    const problems: PageProblem[] = [];
    const urls = new Map<string, string>();
    let loaded: () => void = () => {};
    const load = new Promise<void>((r) => loaded = r);
    s.on((method, p) => {
      if (method === "Page.loadEventFired") loaded();
      if (method === "Runtime.consoleAPICalled" && p.type === "error") {
        const args = (p.args as { value?: unknown; description?: string }[]) ?? [];
        problems.push({
          kind: "console",
          text: args.map((a) => a.description ?? String(a.value)).join(" "),
        });
      }
      if (method === "Runtime.exceptionThrown") {
        const d = p.exceptionDetails as { text?: string; exception?: { description?: string } };
        problems.push({ kind: "exception", text: d.exception?.description ?? d.text ?? "" });
      }
      if (method === "Log.entryAdded") {
        const e = p.entry as { level: string; text: string; url?: string };
        if (e.level === "error") {
          problems.push({ kind: "log", text: `${e.text}${e.url ? ` (${e.url})` : ""}` });
        }
      }
      if (method === "Network.requestWillBeSent") {
        const u = (p.request as { url: string }).url;
        urls.set(p.requestId as string, u);
        if (!SAFE_SCHEMES.test(u)) problems.push({ kind: "request", text: `outside request ${u}` });
      }
      if (method === "Network.loadingFailed") {
        const u = urls.get(p.requestId as string) ?? "?";
        problems.push({ kind: "request", text: `failed: ${p.errorText} (${u})` });
      }
    });
    for (const domain of ["Page", "Runtime", "Log", "Network"]) await s.send(`${domain}.enable`);
    const width = options.width ?? 1280;
    await s.send("Emulation.setDeviceMetricsOverride", {
      width,
      height: 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await s.send("Page.navigate", { url });
    await load;
    await new Promise((r) => setTimeout(r, options.settleMs ?? 500));
    const port = this.#port;
    return {
      problems,
      async evaluate<T>(expression: string): Promise<T> {
        const r = await s.send("Runtime.evaluate", {
          expression,
          awaitPromise: true,
          returnByValue: true,
        });
        const ex = r.exceptionDetails as { text?: string; exception?: { description?: string } };
        if (ex) throw new Error(`in the page: ${ex.exception?.description ?? ex.text}`);
        return (r.result as { value: T }).value;
      },
      async screenshot(w = width): Promise<Uint8Array> {
        const m = await s.send("Page.getLayoutMetrics");
        const h = Math.ceil((m.cssContentSize as { height: number }).height);
        await s.send("Emulation.setDeviceMetricsOverride", {
          width: w,
          height: Math.min(h, 16000),
          deviceScaleFactor: 1,
          mobile: false,
        });
        const r = await s.send("Page.captureScreenshot", { format: "png" });
        return Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0));
      },
      async close(): Promise<void> {
        s.close();
        await fetch(`http://127.0.0.1:${port}/json/close/${info.id}`).then((r) => r.body?.cancel());
      },
    };
  }

  /** Ends Chromium and removes its temporary profile. */
  async close(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await this.#child.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}
