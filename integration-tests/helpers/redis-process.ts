import { ChildProcess, execFileSync, spawn } from "child_process"
import net from "net"
import { waitFor } from "./wait"
import { freePort } from "./server-process"

/**
 * A throwaway Redis for the cluster tests: Debian's `redis-server` on a free port, with
 * persistence off (the data dies with the test).
 */
export class RedisProcess {
  private child: ChildProcess | null = null
  port = 0

  get url() {
    return `redis://localhost:${this.port}`
  }

  async start() {
    const bin = process.env.REDIS_SERVER_PATH || "redis-server"
    try {
      execFileSync(bin, ["--version"], { stdio: "ignore" })
    } catch {
      throw new Error(`${bin} is not installed (apt-get install redis-server, or set REDIS_SERVER_PATH)`)
    }
    this.port = await freePort()
    this.child = spawn(bin, ["--port", String(this.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"], {
      stdio: "ignore",
    })
    await waitFor(() => ping(this.port), (ok) => ok, { timeoutMs: 20000, intervalMs: 100, what: "redis-server to answer PING" })
  }

  async stop() {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve())
      child.kill("SIGKILL")
    })
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    socket.once("error", () => resolve(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (d) => {
      socket.destroy()
      resolve(d.toString().startsWith("+PONG"))
    })
  })
}
