// Parley's WhatsApp engine sidecar: many Baileys device sockets behind NDJSON on stdin/stdout.
// The protocol is PROTOCOL.md; this file is the production entry point (`node src/sidecar.js`).
import './stdio.js'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import makeWASocket, { downloadMediaMessage } from 'baileys'
import baileysDefaultLogger from 'baileys/lib/Utils/logger.js'
import { Channel, ProtocolError } from './channel.js'
import { Device } from './device.js'
import { MappingError } from './mapping.js'

export const PROTOCOL_VERSION = 1
export const BAILEYS_VERSION = '7.0.0-rc14'

/** Errors a retry cannot fix (PROTOCOL.md, "Error codes"). */
const PERMANENT = new Set([
  'bad_request', 'unknown_op', 'unknown_device', 'invalid_message', 'invalid_recipient',
  'not_on_whatsapp', 'media_unreadable', 'already_linked', 'already_open'
])

function intEnv (env, name, dflt) {
  const v = Number.parseInt(env[name] ?? '', 10)
  return Number.isFinite(v) && v >= 0 ? v : dflt
}

export function configFrom (env) {
  return {
    logLevel: env.PARLEY_SIDECAR_LOG_LEVEL || 'warn',
    browserName: env.PARLEY_SIDECAR_BROWSER || 'Parley',
    callTimeoutMs: intEnv(env, 'PARLEY_SIDECAR_AUTH_TIMEOUT_MS', 30000),
    sendTimeoutMs: intEnv(env, 'PARLEY_SIDECAR_SEND_TIMEOUT_MS', 60000),
    queryTimeoutMs: intEnv(env, 'PARLEY_SIDECAR_QUERY_TIMEOUT_MS', 30000),
    numberCacheMs: intEnv(env, 'PARLEY_SIDECAR_NUMBER_CACHE_MS', 24 * 3600 * 1000),
    negativeNumberCacheMs: intEnv(env, 'PARLEY_SIDECAR_NEGATIVE_NUMBER_CACHE_MS', 10 * 60 * 1000),
    // incoming media larger than this is reported without its bytes (they travel base64 on one stdout line)
    mediaMaxBytes: intEnv(env, 'PARLEY_SIDECAR_MEDIA_MAX_BYTES', 16 * 1024 * 1024),
    backoff: {
      baseMs: intEnv(env, 'PARLEY_SIDECAR_BACKOFF_BASE_MS', 1000),
      maxMs: intEnv(env, 'PARLEY_SIDECAR_BACKOFF_MAX_MS', 60000)
    }
  }
}

export function errorOf (err) {
  const code = typeof err?.code === 'string' && (err instanceof ProtocolError || err instanceof MappingError) ? err.code : 'internal'
  const out = { code, message: String(err?.message ?? err), permanent: PERMANENT.has(code) }
  const status = err?.status ?? err?.output?.statusCode
  if (status != null) out.status = status
  return out
}

/** Baileys' download of an incoming message's media (decrypted bytes), re-requesting expired media from the phone. */
export function baileysDownload (msg, sock, logger) {
  return downloadMediaMessage(msg, 'buffer', {}, { logger, reuploadRequest: sock.updateMediaMessage })
}

/**
 * Runs the sidecar until stdin ends. `makeSocket` is Baileys' `makeWASocket` in production; the test
 * entry point (src/test-entry.js) passes a scripted fake (and its media download) and may add test-only ops.
 */
export function main ({ makeSocket = makeWASocket, downloadMedia = baileysDownload, extraOps = {}, env = process.env, input = process.stdin, exit = code => process.exit(code) } = {}) {
  const config = { ...configFrom(env), downloadMedia }
  // Baileys' own default logger writes to stdout: silence it (ours goes to stderr).
  baileysDefaultLogger.level = 'silent'
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2))
  const devices = new Map()
  const started = Date.now()
  let ending = false

  const channel = new Channel({
    input,
    write: line => process.stdout.write(line),
    onRequest: req => handle(req),
    onEnd: () => shutdown('stdin closed: Java went away', 0),
    callTimeoutMs: config.callTimeoutMs,
    logger
  })

  function deviceOf (req) {
    if (typeof req.device !== 'string' || !req.device) throw new ProtocolError('bad_request', 'device is required')
    const d = devices.get(req.device)
    if (!d) throw new ProtocolError('unknown_device', `device ${req.device} is not open`)
    return d
  }

  const ops = {
    ping: req => ({ pong: req.t ?? null, uptimeMs: Date.now() - started, devices: devices.size }),
    open: async req => {
      if (typeof req.device !== 'string' || !req.device) throw new ProtocolError('bad_request', 'device is required')
      const existing = devices.get(req.device)
      if (existing && !existing.stopped) return { already: true, linked: existing.linked(), state: existing.state }
      const d = new Device({ id: req.device, channel, makeSocket, logger, config })
      d.onStop = () => { if (devices.get(d.id) === d) devices.delete(d.id) }
      devices.set(req.device, d)
      try {
        return await d.open()
      } catch (err) {
        devices.delete(req.device)
        throw err
      }
    },
    close: async req => { const d = deviceOf(req); devices.delete(d.id); await d.close(); return {} },
    logout: async req => { const d = deviceOf(req); const r = await d.logout(); devices.delete(d.id); return r },
    pairingCode: req => deviceOf(req).pairingCode(req.phone, req.custom),
    send: (req, reply) => deviceOf(req).send(req, reply),
    checkNumbers: async req => ({ results: await deviceOf(req).checkNumbers(req.phones) }),
    profile: req => deviceOf(req).profile(req),
    markRead: req => deviceOf(req).markRead(req.keys),
    presence: req => deviceOf(req).presence(req.type, req.chat),
    ...extraOps
  }

  function handle (req) {
    const id = req.id
    let answered = false
    const reply = result => {
      if (answered) return
      answered = true
      channel.send({ re: id, ok: true, ...(result ?? {}) })
    }
    const fail = err => {
      if (answered) { logger.warn({ err, id }, 'error after the answer'); return }
      answered = true
      channel.send({ re: id, ok: false, error: errorOf(err) })
    }
    const op = Object.hasOwn(ops, req.op) ? ops[req.op] : null
    if (!op) { fail(new ProtocolError('unknown_op', `unknown op ${req.op}`)); return }
    if (ending) { fail(new ProtocolError('shutting_down', 'the sidecar is shutting down')); return }
    Promise.resolve()
      .then(() => op(req, reply, { devices, channel, logger }))
      .then(reply, fail)
  }

  function shutdown (why, code) {
    if (ending) return
    ending = true
    logger.warn({ why }, 'sidecar exiting')
    for (const d of devices.values()) {
      d.stopped = true
      d.clearTimer()
      d.endSocket()
    }
    channel.failPending('shutting_down', why)
    setImmediate(() => exit(code))
  }

  process.on('SIGTERM', () => shutdown('SIGTERM', 0))
  process.on('SIGINT', () => shutdown('SIGINT', 0))
  process.on('unhandledRejection', err => logger.error({ err }, 'unhandled rejection'))
  process.on('uncaughtException', err => {
    logger.fatal({ err }, 'uncaught exception')
    try { channel.event('fatal', { error: { code: 'internal', message: String(err?.message ?? err) } }) } catch {}
    shutdown('uncaught exception', 1)
  })

  channel.event('ready', { protocol: PROTOCOL_VERSION, baileys: BAILEYS_VERSION, node: process.versions.node, pid: process.pid })
  channel.start()
  return { channel, devices, shutdown }
}

function isEntry () {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntry()) main()
