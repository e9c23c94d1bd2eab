/**
 * Prepares a machine to run the notebooks and the tests; idempotent, and fast when all is there.
 *
 * ```sh
 * npx -y deno@2.9.6 task setup [--with-chromium] [--with-slurm] [--no-apt]
 * ```
 *
 * 1. apt: installs whichever of the Debian packages below are missing (Jupyter's headless runner,
 *    the fonts figures are rasterized with, OpenBLAS for the matrix products). `apt-get update`
 *    runs only when one is missing.
 *    `--with-chromium` adds Debian's chromium, which `deno task test` asks for: the tests open the
 *    report page and an exported notebook in it (lib/plot/browser.ts); they skip without it.
 *    `--with-slurm` adds Debian's slurm-wlm and munge, which `deno task test` also asks for: a test
 *    submits a sweep to a throwaway single-node Slurm (lib/cli/sweep_test.ts); it skips without.
 * 2. npm packages: `deno install --frozen` from deno.json + deno.lock (fails on lockfile drift).
 * 3. kernelspec: jupyter/kernels/deno/kernel.json pointing at this Deno binary by absolute path,
 *    since under `npx deno` there may be no `deno` on PATH for Jupyter to start.
 *
 * Deliberately imports only `node:` built-ins and lib/cli/notebooks.ts (same rule), so it runs
 * before the npm packages are installed.
 * @module
 */
import { parseArgs } from "node:util";
import { JUPYTER_DIR, PYTHON, ROOT, writeKernelspec } from "../lib/cli/notebooks.ts";

/**
 * Debian packages the project needs: headless Jupyter with nbclient, DejaVu fonts, OpenBLAS
 * (the wasm backend's matrix products go through it by FFI when it is there; see
 * lib/model/kernels/blas.ts), and fortunes (the general English text of the +wiki control,
 * lib/data/general_text.ts).
 */
export const APT_PACKAGES = [
  "jupyter-nbconvert",
  "python3-nbclient",
  "python3-ipykernel",
  "jupyter-client",
  "fonts-dejavu-core",
  "libopenblas0-pthread",
  "fortunes",
];

/** Debian packages of a local single-node Slurm (the sweep test's; `--with-slurm`). */
export const SLURM_PACKAGES = ["slurm-wlm", "munge"];

const dec = new TextDecoder();

async function exec(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      env,
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { ok: false, out: `${cmd}: not found` };
    throw err;
  }
}

/** The packages among `pkgs` that dpkg does not report as installed; null without dpkg. */
export async function missingDebianPackages(pkgs: string[]): Promise<string[] | null> {
  const r = await exec("dpkg-query", ["-W", "-f=${Package} ${db:Status-Status}\\n", ...pkgs]);
  if (r.out.startsWith("dpkg-query: not found")) return null;
  const installed = new Set(
    r.out.split("\n").map((l) => l.trim().split(" ")).filter((f) => f[1] === "installed").map((
      f,
    ) => f[0].replace(/:.*$/, "")),
  );
  return pkgs.filter((p) => !installed.has(p));
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function secs(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(2)} s`;
}

async function stepApt(pkgs: string[]): Promise<void> {
  const t0 = performance.now();
  const missing = await missingDebianPackages(pkgs);
  if (missing === null) {
    // Not Debian: the user provides Jupyter; check the runner's Python can import what it needs.
    const py = await exec(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"]);
    if (!py.ok) {
      throw new Error(
        `no dpkg here, and ${PYTHON} cannot import nbclient/nbformat/jupyter_client:\n` +
          `install Jupyter (nbclient, nbformat, jupyter_client) for ${PYTHON} yourself\n${
            tail(py.out, 3)
          }`,
      );
    }
    console.log(`setup: apt: no dpkg; ${PYTHON} has nbclient (${secs(t0)})`);
    return;
  }
  if (missing.length === 0) {
    console.log(`setup: apt: all ${pkgs.length} Debian packages present (${secs(t0)})`);
    return;
  }
  const root = Deno.uid() === 0;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  // Not root: try sudo without a password prompt (sudo drops the environment, hence `env`).
  const run = (args: string[]) =>
    root
      ? exec(args[0], args.slice(1), env)
      : exec("sudo", ["-n", "env", "DEBIAN_FRONTEND=noninteractive", ...args]);
  console.log(`setup: apt: installing ${missing.join(" ")} ...`);
  const update = await run(["apt-get", "update", "-qq"]);
  if (!update.ok) {
    throw new Error(
      `apt-get update failed${root ? "" : " (not root; sudo -n was tried)"}:\n${tail(update.out)}`,
    );
  }
  const install = await run([
    "apt-get",
    "install",
    "-y",
    "-qq",
    "--no-install-recommends",
    ...missing,
  ]);
  if (!install.ok) {
    throw new Error(
      `apt-get install ${missing.join(" ")} failed:\n${tail(install.out)}\n` +
        `install them by hand: apt-get install -y --no-install-recommends ${missing.join(" ")}`,
    );
  }
  const still = await missingDebianPackages(missing);
  if (still?.length) throw new Error(`apt reported success but ${still.join(" ")} are missing`);
  console.log(`setup: apt: installed ${missing.join(" ")} (${secs(t0)})`);
}

async function stepDenoInstall(): Promise<void> {
  const t0 = performance.now();
  const r = await exec(Deno.execPath(), ["install", "--frozen"], {
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
  });
  if (!r.ok) {
    const drift = /lockfile is out of date/i.test(r.out)
      ? "\ndeno.lock does not match deno.json: run `deno install` (without --frozen) and commit " +
        "deno.lock"
      : "";
    throw new Error(`deno install --frozen failed:\n${tail(r.out)}${drift}`);
  }
  console.log(`setup: npm packages: deno install --frozen ok (${secs(t0)})`);
}

async function stepKernelspec(): Promise<void> {
  const t0 = performance.now();
  const { path, changed } = await writeKernelspec();
  const rel = path.slice(ROOT.length + 1);
  console.log(
    `setup: kernelspec: ${rel} ${changed ? "written" : "up to date"} (${Deno.execPath()}; ${
      secs(t0)
    })`,
  );
}

/** Runs the setup steps; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "with-chromium": { type: "boolean", default: false },
      "with-slurm": { type: "boolean", default: false },
      "no-apt": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno task setup [--with-chromium] [--with-slurm] [--no-apt]\n" +
        `  apt packages: ${APT_PACKAGES.join(" ")} (+ chromium with --with-chromium, ` +
        `${SLURM_PACKAGES.join(" ")} with --with-slurm)\n` +
        `  then deno install --frozen, then ${JUPYTER_DIR}/kernels/deno/kernel.json`,
    );
    return 0;
  }
  const t0 = performance.now();
  try {
    if (values["no-apt"]) console.log("setup: apt: skipped (--no-apt)");
    else {
      await stepApt([
        ...APT_PACKAGES,
        ...(values["with-chromium"] ? ["chromium"] : []),
        ...(values["with-slurm"] ? SLURM_PACKAGES : []),
      ]);
    }
    await stepDenoInstall();
    await stepKernelspec();
  } catch (err) {
    console.error(`setup: FAILED: ${(err as Error).message}`);
    return 1;
  }
  console.log(`setup: done in ${secs(t0)}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
