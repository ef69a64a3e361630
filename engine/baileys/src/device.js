// One WhatsApp device: its socket (a new one per reconnect, same auth), its policy and its events.
import { access, constants } from 'node:fs/promises'
import { Browsers, generateMessageIDV2, isJidGroup, isPnUser, jidDecode, jidNormalizedUser } from 'baileys'
import { loadJavaAuthState } from './auth.js'
import { ProtocolError } from './channel.js'
import {
  backoffMs, classifyDisconnect, fromBaileysMessage, fromMessageUpdate, fromReceiptUpdate,
  lidsToResolve, meOf, phoneDigits, toBaileysSend, toJid
} from './mapping.js'

/** A bounded set/map remembering the most recent keys (insertion order). */
class Recent extends Map {
  constructor (max) { super(); this.max = max }
  remember (k, v = true) {
    this.delete(k)
    this.set(k, v)
    if (this.size > this.max) this.delete(this.keys().next().value)
  }
}

/** Message ids already reported as incoming, per device, for the life of the process. */
const seenByDevice = new Map()

function codeOf (err) {
  return err?.output?.statusCode ?? err?.data?.statusCode ?? undefined
}

function withTimeout (promise, ms, code, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new ProtocolError(code, `${what} took longer than ${ms} ms`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

export class Device {
  constructor ({ id, channel, makeSocket, logger, config }) {
    this.id = id
    this.channel = channel
    this.makeSocket = makeSocket
    this.logger = logger.child({ device: id })
    this.config = config
    this.state = null
    this.sock = null
    this.gen = 0
    this.attempts = 0
    this.timer = null
    this.stopped = false
    this.pairingPending = false
    this.qrIndex = 0
    this.qrWaiters = []
    this.queue = Promise.resolve()
    this.numbers = new Map() // digits → {exists, jid, until}
    this.sent = new Recent(2000) // waId → proto.IMessage, for Baileys' getMessage (retry re-sends)
    this.holding = new Map() // waId → receipts held until the send's response is written
    if (!seenByDevice.has(id)) seenByDevice.set(id, new Recent(20000))
    this.seen = seenByDevice.get(id)
  }

  linked () {
    return !!this.auth?.creds?.me?.id && !this.pairingPending
  }

  status (state, extra = {}) {
    this.state = state
    this.channel.event('status', { device: this.id, state, ...extra })
  }

  /** Runs event handlers one at a time, in the order Baileys emitted them. */
  serially (fn) {
    this.queue = this.queue.then(fn).catch(err => this.logger.error({ err }, 'event handler failed'))
    return this.queue
  }

  async open () {
    this.auth = await loadJavaAuthState(this.channel, this.id, this.logger)
    if (!this.linked()) this.status('pending', { reason: 'not_linked' })
    else this.status('offline', { reason: 'connecting' })
    this.connect()
    return { linked: this.linked(), fresh: this.auth.fresh }
  }

  connect () {
    this.timer = null
    if (this.stopped) return
    const gen = ++this.gen
    this.qrIndex = 0
    const sock = this.makeSocket({
      auth: { creds: this.auth.creds, keys: this.auth.keys },
      logger: this.logger,
      browser: Browsers.ubuntu(this.config.browserName),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      getMessage: async key => this.sent.get(key.id)
    }, { device: this.id }) // the second argument is for the test fake; makeWASocket ignores it
    this.sock = sock
    const live = () => gen === this.gen && !this.stopped
    sock.ev.on('creds.update', () => { this.savingCreds = this.auth.saveCreds().catch(err => this.logger.error({ err }, 'creds.set failed')) })
    sock.ev.on('connection.update', u => this.serially(() => live() || u.connection === 'close' ? this.onConnection(u, gen, sock) : undefined))
    sock.ev.on('messages.upsert', u => this.serially(() => live() && this.onUpsert(u)))
    sock.ev.on('messages.update', us => this.serially(() => { if (live()) for (const u of us) this.receipt(fromMessageUpdate(u)) }))
    sock.ev.on('message-receipt.update', us => this.serially(() => { if (live()) for (const u of us) this.receipt(fromReceiptUpdate(u)) }))
    sock.ev.on('lid-mapping.update', m => this.serially(() => {
      if (live() && m?.lid && m?.pn) this.channel.event('lid', { device: this.id, lid: jidNormalizedUser(m.lid), phone: `+${jidDecode(m.pn)?.user}` })
    }))
  }

  async onConnection (u, gen, sock) {
    if (gen !== this.gen) return // an older socket's last words
    if (u.qr) {
      const ttlMs = this.qrIndex === 0 ? 60000 : 20000
      this.qrIndex++
      if (this.state !== 'linking') this.status('linking', { reason: 'qr' })
      this.channel.event('qr', { device: this.id, qr: u.qr, index: this.qrIndex, ttlMs, expiresAt: Date.now() + ttlMs })
      for (const w of this.qrWaiters.splice(0)) w.resolve(sock)
    }
    if (u.isNewLogin) {
      this.pairingPending = false
      await this.savingCreds
      this.channel.event('linked', { device: this.id, me: meOf(this.auth.creds.me) })
    }
    if (u.connection === 'open') {
      this.attempts = 0
      await this.savingCreds
      this.status('online', { me: meOf(sock.user ?? this.auth.creds.me) })
    } else if (u.connection === 'close') {
      await this.onClose(codeOf(u.lastDisconnect?.error), u.lastDisconnect?.error)
    }
  }

  async onClose (code, error) {
    this.sock = null
    for (const w of this.qrWaiters.splice(0)) w.reject(new ProtocolError('not_connected', 'the socket closed'))
    if (this.stopped) return
    if (this.pairingPending) {
      // requestPairingCode set creds.me before the code was entered: undo it before the next try
      this.pairingPending = false
      delete this.auth.creds.me
      await this.auth.saveCreds().catch(err => this.logger.error({ err }, 'creds.set failed'))
    }
    const c = classifyDisconnect(code, { registered: this.linked() })
    const extra = { reason: c.reason, code: code ?? null, final: c.final }
    if (error?.message) extra.message = String(error.message).slice(0, 200)
    if (c.action === 'reconnect') {
      this.status(c.state, { ...extra, retryInMs: 0 })
      this.connect()
    } else if (c.action === 'backoff') {
      this.attempts++
      const delay = backoffMs(this.attempts, this.config.backoff)
      this.status(c.state, { ...extra, retryInMs: delay, attempt: this.attempts })
      this.timer = setTimeout(() => this.connect(), delay)
    } else {
      this.stopped = true
      this.status(c.state, extra)
      this.onStop?.()
    }
  }

  async onUpsert ({ messages, type }) {
    for (const msg of messages ?? []) {
      const key = msg?.key
      if (!key?.id || key.fromMe) continue
      if (this.seen.has(key.id)) continue
      const lidToPn = new Map()
      for (const lid of lidsToResolve(key)) {
        try {
          const pn = await this.sock?.signalRepository?.lidMapping?.getPNForLID(lid)
          if (pn) lidToPn.set(lid, pn)
        } catch (err) {
          this.logger.debug({ err, lid }, 'no phone for LID')
        }
      }
      const incoming = fromBaileysMessage(msg, { type, lidToPn })
      if (!incoming) continue
      if (incoming.media) await this.download(msg, incoming.media)
      this.seen.remember(key.id)
      this.channel.event('incoming', { device: this.id, message: incoming })
    }
  }

  /**
   * Adds the media's bytes (`base64`) to an incoming media message, or says why not (`download`:
   * `too_large`, `failed`); the message is reported either way, so a failed download loses only the bytes.
   */
  async download (msg, media) {
    const max = this.config.mediaMaxBytes
    if (media.size !== undefined && media.size > max) { media.download = 'too_large'; return }
    try {
      const bytes = await withTimeout(Promise.resolve(this.config.downloadMedia(msg, this.sock, this.logger)),
        this.config.queryTimeoutMs, 'timeout', 'downloading media')
      if (bytes.length > max) { media.download = 'too_large'; return }
      media.base64 = Buffer.from(bytes).toString('base64')
    } catch (err) {
      this.logger.warn({ err, waId: msg.key?.id }, 'media download failed; reporting the message without it')
      media.download = 'failed'
    }
  }

  receipt (r) {
    if (!r) return
    const held = this.holding.get(r.waId)
    if (held) held.push(r)
    else this.channel.event('receipt', { device: this.id, ...r })
  }

  requireOnline () {
    if (!this.sock || this.state !== 'online') throw new ProtocolError('not_connected', `device ${this.id} is ${this.state ?? 'not open'}`)
    return this.sock
  }

  /** The recipient's JID after `onWhatsApp` (cached); throws `not_on_whatsapp`. */
  async checkRecipient (jid) {
    if (isJidGroup(jid) || !isPnUser(jid)) return jid
    const digits = jidDecode(jid).user
    const hit = this.numbers.get(digits)
    if (hit && hit.until > Date.now()) {
      if (!hit.exists) throw new ProtocolError('not_on_whatsapp', `+${digits} is not on WhatsApp`)
      return hit.jid
    }
    const [r] = await this.lookup([digits])
    if (!r.exists) throw new ProtocolError('not_on_whatsapp', `+${digits} is not on WhatsApp`)
    return r.jid
  }

  /** `onWhatsApp` for digit strings; fills the cache; one result per input, in order. */
  async lookup (digitsList) {
    const sock = this.requireOnline()
    const res = (await withTimeout(sock.onWhatsApp(...digitsList), this.config.queryTimeoutMs, 'timeout', 'onWhatsApp')) ?? []
    const byUser = new Map()
    for (const r of res) if (r?.exists && r.jid) byUser.set(jidDecode(r.jid)?.user, jidNormalizedUser(r.jid))
    return digitsList.map(d => {
      const jid = byUser.get(d) ?? null
      const exists = jid !== null
      this.numbers.set(d, { exists, jid, until: Date.now() + (exists ? this.config.numberCacheMs : this.config.negativeNumberCacheMs) })
      return { exists, jid }
    })
  }

  async checkNumbers (phones) {
    if (!Array.isArray(phones) || phones.length === 0 || phones.length > 50) throw new ProtocolError('bad_request', 'phones must list 1 to 50 numbers')
    const digits = phones.map(phoneDigits)
    const valid = [...new Set(digits.filter(Boolean))]
    const found = new Map()
    if (valid.length) (await this.lookup(valid)).forEach((r, i) => found.set(valid[i], r))
    return phones.map((phone, i) => {
      if (!digits[i]) return { phone, exists: false, jid: null, invalid: true }
      const r = found.get(digits[i])
      return { phone, exists: r.exists, jid: r.jid }
    })
  }

  /** Sends; `reply` writes the response, after which receipts held for the message are emitted. */
  async send (req, reply) {
    const sock = this.requireOnline()
    const { jid: target, content, options } = toBaileysSend(req)
    const file = content.image?.url ?? content.video?.url ?? content.audio?.url ?? content.document?.url
    if (file) {
      try { await access(file, constants.R_OK) } catch { throw new ProtocolError('media_unreadable', `cannot read ${file}`) }
    }
    const jid = await this.checkRecipient(target)
    const waId = options.messageId ?? generateMessageIDV2(sock.user?.id)
    options.messageId = waId
    const held = []
    this.holding.set(waId, held)
    try {
      const msg = await withTimeout(sock.sendMessage(jid, content, options), this.config.sendTimeoutMs, 'timeout', 'sendMessage')
      if (msg?.message) this.sent.remember(waId, msg.message)
      reply({ waId: msg?.key?.id ?? waId, jid })
    } catch (err) {
      if (err instanceof ProtocolError) throw err
      throw Object.assign(new ProtocolError('send_failed', String(err?.message ?? err)), { status: codeOf(err) })
    } finally {
      // the response (or the error) is out first: then, in order, what arrived for this id meanwhile
      setImmediate(() => {
        this.holding.delete(waId)
        for (const r of held) this.receipt(r)
      })
    }
  }

  async pairingCode (phone, custom) {
    const digits = phoneDigits(phone)
    if (!digits) throw new ProtocolError('invalid_recipient', 'phone must be an E.164 number')
    if (this.linked()) throw new ProtocolError('already_linked', `device ${this.id} is linked`)
    if (this.stopped) throw new ProtocolError('not_connected', `device ${this.id} stopped; open it again`)
    // the socket can ask for a code once it is connected and unregistered: at its first QR
    const sock = this.state === 'linking' && this.sock
      ? this.sock
      : await withTimeout(new Promise((resolve, reject) => this.qrWaiters.push({ resolve, reject })), this.config.queryTimeoutMs, 'not_connected', 'waiting for the socket to be ready for pairing')
    this.pairingPending = true
    try {
      const code = await sock.requestPairingCode(digits, custom)
      return { code }
    } catch (err) {
      this.pairingPending = false
      delete this.auth.creds.me
      await this.auth.saveCreds()
      throw Object.assign(new ProtocolError('pairing_failed', String(err?.message ?? err)), { status: codeOf(err) })
    }
  }

  async logout () {
    this.clearTimer()
    const sock = this.sock
    let server = false
    if (sock && this.state === 'online') {
      try {
        await withTimeout(sock.logout(), this.config.queryTimeoutMs, 'timeout', 'logout')
        server = true
      } catch (err) {
        this.logger.warn({ err }, 'logout at the server failed; reporting logged_out anyway')
      }
    }
    await this.queue
    if (!this.stopped || this.state !== 'logged_out') {
      this.stopped = true
      this.endSocket()
      this.status('logged_out', { reason: 'logout', code: null, final: true })
      this.onStop?.()
    }
    return { server }
  }

  /** Ends the socket without logging out; the device stays linked. */
  async close () {
    const wasStopped = this.stopped
    this.stopped = true
    this.clearTimer()
    this.endSocket()
    await this.queue
    if (!wasStopped) this.status('offline', { reason: 'closed', code: null, final: true })
  }

  endSocket () {
    const sock = this.sock
    this.sock = null
    this.gen++
    try { sock?.end(undefined) } catch (err) { this.logger.debug({ err }, 'end failed') }
  }

  clearTimer () {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  async profile ({ name, about, picture, removePicture }) {
    const sock = this.requireOnline()
    const me = jidNormalizedUser(sock.user?.id ?? this.auth.creds.me?.id)
    if (name != null) await sock.updateProfileName(name)
    if (about != null) await sock.updateProfileStatus(about)
    if (removePicture) await sock.removeProfilePicture(me)
    else if (picture) {
      if (picture.base64) await sock.updateProfilePicture(me, Buffer.from(picture.base64, 'base64'))
      else if (picture.path && picture.path.startsWith('/')) await sock.updateProfilePicture(me, { url: picture.path })
      else throw new ProtocolError('invalid_message', 'picture needs base64 or an absolute path')
    }
    return {}
  }

  async markRead (keys) {
    const sock = this.requireOnline()
    if (!Array.isArray(keys) || keys.length === 0) throw new ProtocolError('bad_request', 'keys must be a non-empty list')
    await sock.readMessages(keys.map(k => {
      const key = { remoteJid: toJid(k.chat), id: k.waId, fromMe: false }
      if (k.participant) key.participant = toJid(k.participant)
      return key
    }))
    return {}
  }

  async presence (type, chat) {
    const sock = this.requireOnline()
    const allowed = ['available', 'unavailable', 'composing', 'recording', 'paused']
    if (!allowed.includes(type)) throw new ProtocolError('bad_request', `presence type must be one of ${allowed.join(', ')}`)
    await sock.sendPresenceUpdate(type, chat ? toJid(chat) : undefined)
    return {}
  }
}
