/**
 * CPU time of the processes a benchmark runs on, read from /proc (Linux): per named process
 * group (a server started detached leads its own group), plus PostgreSQL and redis-server.
 */
import fs from "fs"
import { execSync } from "child_process"

const TICKS = Number(execSync("getconf CLK_TCK").toString().trim()) || 100

type Proc = { pid: number; comm: string; pgrp: number; ticks: number }

function processes(): Proc[] {
  const out: Proc[] = []
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      const close = stat.lastIndexOf(")")
      const comm = stat.slice(stat.indexOf("(") + 1, close)
      // Fields after the command: state ppid pgrp … utime (14th field) stime (15th).
      const f = stat.slice(close + 2).split(" ")
      out.push({ pid: Number(entry), comm, pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) })
    } catch {
      // The process ended while the list was read.
    }
  }
  return out
}

export type ProcessCpu = { name: string; seconds: number }

export const ProcessCpu = {
  /** CPU seconds so far of each group, and of all postgres and redis-server processes. */
  read(groups: { name: string; pgid: number }[]): ProcessCpu[] {
    const all = processes()
    const sum = (keep: (p: Proc) => boolean) => all.filter(keep).reduce((n, p) => n + p.ticks, 0) / TICKS
    return [
      ...groups.map((g) => ({ name: g.name, seconds: sum((p) => p.pgrp === g.pgid) })),
      { name: "postgres", seconds: sum((p) => p.comm === "postgres") },
      { name: "redis", seconds: sum((p) => p.comm.startsWith("redis-server")) },
    ]
  },
}

/** What each process spent between two readings (processes that ended are not counted). */
export function cpuSeconds(before: ProcessCpu[], after: ProcessCpu[]): ProcessCpu[] {
  return after
    .map((a) => ({ name: a.name, seconds: a.seconds - (before.find((b) => b.name === a.name)?.seconds ?? 0) }))
    .filter((c) => c.seconds > 0.05 || c.name !== "redis")
}
