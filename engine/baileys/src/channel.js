// Newline-delimited JSON over a pair of streams (stdin/stdout in production). See PROTOCOL.md.
import { createInterface } from 'node:readline'

export class ProtocolError extends Error {
  constructor (code, message, extra) {
    super(message)
    this.code = code
    if (extra) Object.assign(this, { extra })
  }
}

export class Channel {
  /**
   * @param {object} o
   * @param {import('node:stream').Readable} o.input lines from Java
   * @param {(line: string) => void} o.write writes one protocol line (with its newline)
   * @param {(req: object) => void} o.onRequest a request from Java (`{id, op, ...}`)
   * @param {() => void} o.onEnd Java went away (EOF on input)
   * @param {number} o.callTimeoutMs how long an auth call waits for Java's answer
   */
  constructor ({ input, write, onRequest, onEnd, callTimeoutMs = 30000, logger }) {
    this.input = input
    this.write = write
    this.onRequest = onRequest
    this.onEnd = onEnd
    this.callTimeoutMs = callTimeoutMs
    this.logger = logger
    this.pending = new Map()
    this.seq = 0
  }

  start () {
    const rl = createInterface({ input: this.input, crlfDelay: Infinity })
    rl.on('line', line => this.#onLine(line))
    rl.on('close', () => this.onEnd())
  }

  send (obj) {
    this.write(JSON.stringify(obj) + '\n')
  }

  event (ev, fields) {
    this.send({ ev, ...fields })
  }

  /** A call to Java (`auth.get`, `keys.get`, `keys.set`, `creds.set`); resolves with Java's answer. */
  call (op, fields) {
    const id = `s${++this.seq}`
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new ProtocolError('java_timeout', `no answer from Java to ${op} ${id} within ${this.callTimeoutMs} ms`))
      }, this.callTimeoutMs)
      timer.unref?.()
      this.pending.set(id, { resolve, reject, timer, op })
      this.send({ id, op, ...fields })
    })
  }

  #onLine (line) {
    if (!line.trim()) return
    let msg
    try {
      msg = JSON.parse(line)
    } catch (err) {
      this.event('protocol_error', { error: { code: 'bad_json', message: String(err.message) }, line: line.slice(0, 200) })
      return
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      this.event('protocol_error', { error: { code: 'bad_request', message: 'a line must be a JSON object' }, line: line.slice(0, 200) })
      return
    }
    if ('re' in msg) {
      const p = this.pending.get(msg.re)
      if (!p) {
        this.logger?.warn({ re: msg.re }, 'answer from Java to an unknown or timed-out call')
        return
      }
      this.pending.delete(msg.re)
      clearTimeout(p.timer)
      if (msg.ok === true) p.resolve(msg)
      else p.reject(new ProtocolError(msg.error?.code ?? 'java_error', msg.error?.message ?? `Java refused ${p.op}`))
      return
    }
    if (msg.id === undefined || msg.id === null || typeof msg.op !== 'string') {
      this.event('protocol_error', { error: { code: 'bad_request', message: 'a request needs id and op' }, line: line.slice(0, 200) })
      return
    }
    this.onRequest(msg)
  }

  /** Fails every call still waiting for Java (on shutdown). */
  failPending (code, message) {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(new ProtocolError(code, message))
      this.pending.delete(id)
    }
  }
}
