// A stand-in for Java in tests: spawns the sidecar (test entry, fake socket), speaks NDJSON over its
// stdio, answers its auth calls from an in-memory store and collects its events.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

export class FakeJava {
  constructor (script, { env = {}, store } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'parley-sidecar-'))
    this.scriptPath = join(this.dir, 'script.json')
    this.recordPath = join(this.dir, 'record.ndjson')
    writeFileSync(this.scriptPath, JSON.stringify(script))
    this.store = store ?? { creds: new Map(), keys: new Map() } // device → creds JSON; `${device}/${type}/${id}` → JSON
    this.lines = [] // every stdout line, parsed
    this.raw = [] // every stdout line, as written
    this.events = []
    this.authCalls = []
    this.waiters = []
    this.pending = new Map()
    this.seq = 0
    this.stderr = ''
    this.delayAcks = 0
    this.child = spawn(process.execPath, [join(ROOT, 'src/test-entry.js')], {
      env: {
        ...process.env,
        PARLEY_FAKE_SOCKET: this.scriptPath,
        PARLEY_FAKE_RECORD: this.recordPath,
        PARLEY_SIDECAR_LOG_LEVEL: 'debug',
        PARLEY_SIDECAR_BACKOFF_BASE_MS: '50',
        PARLEY_SIDECAR_BACKOFF_MAX_MS: '200',
        ...env
      },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.child.stderr.on('data', d => { this.stderr += d })
    this.exited = new Promise(resolve => this.child.on('exit', (code, signal) => resolve({ code, signal })))
    createInterface({ input: this.child.stdout }).on('line', line => this.#onLine(line))
  }

  #onLine (line) {
    this.raw.push(line)
    let msg
    try { msg = JSON.parse(line) } catch { msg = { unparsable: line } }
    this.lines.push(msg)
    if ('re' in msg) {
      const p = this.pending.get(msg.re)
      if (p) { this.pending.delete(msg.re); p(msg) }
    } else if (typeof msg.op === 'string') {
      this.authCalls.push(msg)
      void this.#answer(msg)
    } else if (msg.ev) {
      this.events.push(msg)
    }
    for (const w of [...this.waiters]) {
      if (w.pred(msg)) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(msg) }
    }
  }

  async #answer (call) {
    if (this.delayAcks) await new Promise(resolve => setTimeout(resolve, this.delayAcks))
    const d = call.device
    let answer = {}
    switch (call.op) {
      case 'auth.get': answer = { creds: this.store.creds.get(d) ?? null }; break
      case 'creds.set': this.store.creds.set(d, call.creds); break
      case 'keys.get': {
        const values = {}
        for (const id of call.ids) {
          const v = this.store.keys.get(`${d}/${call.type}/${id}`)
          if (v !== undefined) values[id] = v
        }
        answer = { values }
        break
      }
      case 'keys.set':
        for (const [type, byId] of Object.entries(call.data)) {
          for (const [id, v] of Object.entries(byId)) {
            if (v === null) this.store.keys.delete(`${d}/${type}/${id}`)
            else this.store.keys.set(`${d}/${type}/${id}`, v)
          }
        }
        break
      default:
        this.write({ re: call.id, ok: false, error: { code: 'unknown_op', message: call.op } })
        return
    }
    this.write({ re: call.id, ok: true, ...answer })
  }

  write (obj) { this.child.stdin.write(JSON.stringify(obj) + '\n') }

  request (op, fields = {}) {
    const id = ++this.seq
    return new Promise(resolve => {
      this.pending.set(id, resolve)
      this.write({ id, op, ...fields })
    })
  }

  /** The first line (past or future) matching `pred`. */
  waitFor (pred, { timeoutMs = 30000, what = 'a line', from = 0 } = {}) {
    const hit = this.lines.slice(from).find(pred)
    if (hit) return Promise.resolve(hit)
    return new Promise((resolve, reject) => {
      const w = { pred, resolve }
      this.waiters.push(w)
      setTimeout(() => {
        const i = this.waiters.indexOf(w)
        if (i >= 0) {
          this.waiters.splice(i, 1)
          reject(new Error(`timed out waiting for ${what}; lines:\n${this.raw.join('\n')}\nstderr tail:\n${this.stderr.slice(-2000)}`))
        }
      }, timeoutMs).unref()
    })
  }

  waitEvent (ev, device, extra = () => true, opts = {}) {
    return this.waitFor(m => m.ev === ev && (device === undefined || m.device === device) && extra(m), { what: `${ev} ${JSON.stringify(opts.what ?? '')}`, ...opts })
  }

  statuses (device) {
    return this.events.filter(e => e.ev === 'status' && e.device === device).map(e => e.state)
  }

  record () {
    if (!existsSync(this.recordPath)) return []
    return readFileSync(this.recordPath, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
  }

  async stop () {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end()
      const t = setTimeout(() => this.child.kill('SIGKILL'), 3000)
      await this.exited
      clearTimeout(t)
    }
  }
}
