/**
 * A throwaway single-node Slurm on localhost for tests: its own munged (own key and socket),
 * slurmctld and slurmd, all configured in a temp folder on ports of their own, so it touches no
 * Slurm or munge already on the machine. Needs root and Debian's `slurm-wlm` and `munge`
 * (`deno task setup --with-slurm`). Stop it with `stop()`: the daemons are ended by their pid files.
 * @module
 */
import { join } from "node:path";

/** The programs a local Slurm needs. */
export const SLURM_PROGRAMS = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"];

const dec = new TextDecoder();

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const r = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, out: `${cmd}: not found` };
    throw e;
  }
}

async function onPath(prog: string): Promise<boolean> {
  for (const d of ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]) {
    try {
      await Deno.stat(join(d, prog));
      return true;
    } catch { /* next */ }
  }
  return false;
}

/** Why no local Slurm can start here (not Linux, not root, programs missing), or undefined. */
export async function localSlurmUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return `local Slurm needs Linux (this is ${Deno.build.os})`;
  if (Deno.uid() !== 0) return "local Slurm needs root (its daemons run as root)";
  const missing = [];
  for (const p of SLURM_PROGRAMS) if (!(await onPath(p))) missing.push(p);
  if (missing.length) {
    return `missing ${missing.join(", ")}: install Debian's slurm-wlm and munge ` +
      "(deno task setup --with-slurm)";
  }
  return undefined;
}

/** A running local Slurm. */
export interface LocalSlurm {
  /** Its temp folder (config, state, logs, pid files). */
  dir: string;
  /** `SLURM_CONF`, for every client command (sbatch, squeue, ...). */
  conf: string;
  /** The node's CPUs. */
  cpus: number;
  /** The last lines of the daemons' logs (for a failing test's message). */
  logs(): Promise<string>;
  /** Cancels what is left, ends the daemons by their pid files and removes the folder. */
  stop(): Promise<void>;
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const n = Number((await Deno.readTextFile(path)).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    Deno.kill(pid, "SIGCONT"); // a harmless signal: throws once the process is gone
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The slurm.conf of a one-node cluster in `dir`. */
export function localSlurmConf(
  opts: { dir: string; host: string; cpus: number; memMB: number; port: number },
): string {
  const { dir, host, cpus, memMB, port } = opts;
  return [
    "ClusterName=plmlocal",
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    "SlurmUser=root",
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${join(dir, "munge.sock")}`,
    `StateSaveLocation=${join(dir, "state")}`,
    `SlurmdSpoolDir=${join(dir, "spool")}`,
    `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
    `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
    `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
    `SlurmdLogFile=${join(dir, "slurmd.log")}`,
    // No cgroups: processes tracked by parentage, tasks not bound (works in a container).
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "JobAcctGatherType=jobacct_gather/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "ReturnToService=2",
    "MpiDefault=none",
    // Finished jobs stay visible to squeue for a while (what --status reads without sacct).
    "MinJobAge=600",
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memMB} State=UNKNOWN`,
    "PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
    "",
  ].join("\n");
}

/** Starts munged, slurmctld and slurmd; resolves once the node is idle (or throws, cleaned up). */
export async function startLocalSlurm(opts: { timeoutMs?: number } = {}): Promise<LocalSlurm> {
  const dir = await Deno.makeTempDir({ prefix: "plm_slurm_" });
  // munged wants every directory above its socket searchable by all.
  await Deno.chmod(dir, 0o755);
  for (const d of ["state", "spool"]) await Deno.mkdir(join(dir, d));
  const host = Deno.hostname().split(".")[0];
  const cpus = navigator.hardwareConcurrency || 1;
  const memTotal = /MemTotal:\s+(\d+)/.exec(await Deno.readTextFile("/proc/meminfo"));
  const memMB = Math.floor(Number(memTotal?.[1] ?? 2_097_152) / 1024 * 0.8);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, "slurm.conf");
  await Deno.writeTextFile(conf, localSlurmConf({ dir, host, cpus, memMB, port }));
  const key = join(dir, "munge.key");
  await Deno.writeFile(key, crypto.getRandomValues(new Uint8Array(1024)), { mode: 0o600 });
  const env = { SLURM_CONF: conf };
  const tailOf = async (f: string) => {
    try {
      return (await Deno.readTextFile(join(dir, f))).trimEnd().split("\n").slice(-15).join("\n");
    } catch {
      return "(none)";
    }
  };
  const logs = async () => {
    const parts = [];
    for (const f of ["munged.log", "slurmctld.log", "slurmd.log"]) {
      parts.push(`--- ${f}\n${await tailOf(f)}`);
    }
    return parts.join("\n");
  };
  const stop = async () => {
    await run("scancel", ["--full", "--quiet", "--user", "root"], env);
    for (const d of ["slurmd", "slurmctld", "munged"]) {
      const pid = await readPid(join(dir, `${d}.pid`));
      if (pid === undefined || !alive(pid)) continue;
      Deno.kill(pid, "SIGTERM");
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      if (alive(pid)) Deno.kill(pid, "SIGKILL");
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const slurm: LocalSlurm = { dir, conf, cpus, logs, stop };
  try {
    const steps: [string, string[]][] = [
      ["munged", [
        `--socket=${join(dir, "munge.sock")}`,
        `--pid-file=${join(dir, "munged.pid")}`,
        `--key-file=${key}`,
        `--log-file=${join(dir, "munged.log")}`,
        `--seed-file=${join(dir, "munge.seed")}`,
      ]],
      ["slurmctld", ["-f", conf]],
      ["slurmd", ["-f", conf, "-N", host]],
    ];
    for (const [cmd, args] of steps) {
      const r = await run(cmd, args, env);
      if (!r.ok) throw new Error(`${cmd} did not start: ${r.out.trim()}`);
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const r = await run("sinfo", ["-h", "-o", "%T"], env);
      if (r.ok && /^idle/m.test(r.out)) break;
      if (Date.now() > deadline) {
        throw new Error(`the local node is not idle after start: ${r.out.trim()}`);
      }
      await sleep(500);
    }
    return slurm;
  } catch (e) {
    const why = `${(e as Error).message}\n${await logs()}`;
    await stop();
    throw new Error(why);
  }
}
