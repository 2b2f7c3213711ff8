#!/usr/bin/env node
/**
 * `node tether.js <command> [args…]`: runs the command in a process group of its own and
 * ends that whole group (SIGKILL) when this process's stdin closes or it gets SIGINT or
 * SIGTERM. The test process holds the other end of stdin, so a server it started goes
 * away with it even when it dies without running its cleanup (Ctrl-C, a crash, a
 * SIGKILL): `medusa start` forks, and a detached server would otherwise outlive the run.
 */
const { spawn } = require("child_process")

const [command, ...args] = process.argv.slice(2)
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true })

let stopping = false
function stop() {
  if (stopping) return
  stopping = true
  try {
    process.kill(-child.pid, "SIGKILL")
  } catch {
    // the group is gone already
  }
}

child.on("exit", (code, signal) => {
  stop()
  process.exit(code ?? (signal ? 1 : 0))
})
child.on("error", (e) => {
  process.stderr.write(`could not start ${command}: ${e.message}\n`)
  process.exit(1)
})
process.stdin.on("end", stop)
process.stdin.on("error", stop)
process.stdin.resume()
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
