// A scripted stand-in for the network part of Baileys' makeWASocket, for tests only.
// It runs Baileys' real event buffer (makeEventBuffer), real message generation (generateWAMessage,
// with real media encryption and a fake upload), real proto, JIDs, QR data and Boom errors, against
// the real auth state the sidecar built (keys.get / keys.set / creds.update travel to "Java").
// See PROTOCOL.md, "Test entry point", for the script format.
import { appendFileSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import { Boom } from '@hapi/boom'
import {
  BufferJSON, DisconnectReason, bytesToCrockford, buildPairingQRData, delay, generateMessageIDV2,
  generateWAMessage, jidDecode, jidEncode, jidNormalizedUser, makeEventBuffer, proto
} from 'baileys'

function summarize (v) {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    const b = Buffer.from(v)
    return { $bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') }
  }
  if (Array.isArray(v)) return v.map(summarize)
  if (v && typeof v === 'object') {
    const out = {}
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = summarize(x)
    return out
  }
  return v
}

function b64 (buf) { return Buffer.from(buf).toString('base64') }

/** `{key, message, ...}` as a test writes it → a real `proto.WebMessageInfo` keeping Baileys' extra key fields. */
export function webMessage (raw) {
  const msg = proto.WebMessageInfo.fromObject({ messageTimestamp: Math.floor(Date.now() / 1000), ...raw })
  msg.key = { ...raw.key }
  return msg
}

export class FakeSocket {
  constructor (config, { device, spec, session, recorder }) {
    this.config = config
    this.device = device
    this.spec = spec
    this.session = session
    this.recorder = recorder
    this.logger = config.logger
    this.authState = config.auth
    this.ev = makeEventBuffer(this.logger)
    this.user = undefined
    this.isOpen = false
    this.ended = false
    this.sends = []
    this.lids = new Map(Object.entries(spec.lids ?? {}))
    this.signalRepository = {
      lidMapping: {
        getPNForLID: async lid => this.lids.get(jidNormalizedUser(lid)) ?? null,
        getLIDForPN: async pn => [...this.lids].find(([, p]) => p === jidNormalizedUser(pn))?.[0] ?? null
      }
    }
    this.type = 'md'
  }

  get creds () { return this.authState.creds }

  record (what, fields) {
    this.recorder({ device: this.device, session: this.session, op: what, ...fields })
  }

  /** Runs a list of steps; stops at a `close`. */
  async run (steps) {
    for (const step of steps) {
      if (this.ended) return
      await this.step(step)
    }
  }

  async step (s) {
    if (s.wait != null) await delay(s.wait)
    else if (s.qr != null) {
      const c = this.creds
      const qr = buildPairingQRData(s.qr, b64(c.noiseKey.public), b64(c.signedIdentityKey.public), b64(c.advSecretKey), this.config.browser)
      this.ev.emit('connection.update', { qr })
    } else if (s.link) {
      const { phone, lid, name = 'Parley Test' } = s.link
      const digits = String(phone).replace(/^\+/, '')
      const me = { id: jidEncode(digits, 's.whatsapp.net', 7), name }
      if (lid) me.lid = jidEncode(String(lid).replace(/@lid$/, ''), 'lid', 7)
      const update = { me, platform: 'android', account: { details: Buffer.from('fake-adv-details'), accountSignatureKey: Buffer.alloc(32, 1) } }
      Object.assign(this.creds, update)
      this.ev.emit('creds.update', update)
      this.ev.emit('connection.update', { isNewLogin: true, qr: undefined })
    } else if (s.open) {
      if (!this.creds.me) throw new Error('fake: open needs linked creds')
      this.user = { id: this.creds.me.id, lid: this.creds.me.lid, name: this.creds.me.name }
      this.isOpen = true
      // like the real socket after login: read what it needs from the key store
      await this.authState.keys.get('app-state-sync-version', ['critical_block'])
      this.ev.emit('connection.update', { connection: 'open', receivedPendingNotifications: false })
    } else if (s.close != null) {
      await this.end(new Boom(s.message ?? `fake close ${s.close}`, { statusCode: s.close }))
    } else if (s.upsert) {
      const messages = s.upsert.messages.map(webMessage)
      this.ev.emit('messages.upsert', { messages, type: s.upsert.type ?? 'notify' })
    } else if (s.update) {
      this.ev.emit('messages.update', s.update)
    } else if (s.receipt) {
      this.ev.emit('message-receipt.update', s.receipt.map(r => ({ key: r.key, receipt: proto.UserReceipt.fromObject(r.receipt) })))
    } else if (s.ack) {
      const sent = this.sends.at(s.ack.send ?? -1)
      if (!sent) throw new Error('fake: no send to acknowledge')
      this.ev.emit('messages.update', [{ key: sent.key, update: { status: s.ack.status } }])
    } else if (s.lidMapping) {
      this.lids.set(jidNormalizedUser(s.lidMapping.lid), jidNormalizedUser(s.lidMapping.pn))
      this.ev.emit('lid-mapping.update', s.lidMapping)
    } else if (s.waitSends != null) {
      while (this.sends.length < s.waitSends && !this.ended) await delay(10)
    } else {
      throw new Error(`fake: unknown step ${JSON.stringify(s)}`)
    }
  }

  assertOpen () {
    if (!this.isOpen || this.ended) throw new Boom('Connection Closed', { statusCode: DisconnectReason.connectionClosed })
  }

  async sendMessage (jid, content, options = {}) {
    this.assertOpen()
    const cfg = this.spec.send ?? {}
    if (cfg.failWith) throw new Boom(cfg.failWith.message ?? 'fake send failure', { statusCode: cfg.failWith.status ?? 500 })
    // the signal session for the recipient: read, then written durably before the send resolves
    const sessionId = jidNormalizedUser(jid)
    await this.authState.keys.get('session', [sessionId])
    await this.authState.keys.set({ session: { [sessionId]: Buffer.from(`fake-session:${sessionId}`) } })
    const msg = await generateWAMessage(jid, content, {
      logger: this.logger,
      userJid: this.user.id,
      messageId: options.messageId ?? generateMessageIDV2(this.user.id),
      quoted: options.quoted,
      upload: async (_path, { fileEncSha256B64, mediaType }) => ({
        mediaUrl: `https://mmg.invalid/${mediaType}/${encodeURIComponent(fileEncSha256B64)}`,
        directPath: `/v/fake/${mediaType}/${encodeURIComponent(fileEncSha256B64)}`
      }),
      getUrlInfo: async url => { throw new Error(`fake: Baileys tried to fetch a link preview for ${url}`) }
    })
    this.sends.push(msg)
    this.record('sendMessage', {
      jid,
      waId: msg.key.id,
      content: summarize(content),
      options: summarize({ messageId: options.messageId, quoted: options.quoted }),
      message: JSON.parse(JSON.stringify(proto.Message.toObject(msg.message, { longs: Number, bytes: String }), BufferJSON.replacer))
    })
    // the real socket echoes our own message (fromMe) and the server acks may beat the promise
    this.ev.emit('messages.upsert', { messages: [msg], type: 'append' })
    for (const status of cfg.receiptsBefore ?? []) this.ev.emit('messages.update', [{ key: msg.key, update: { status } }])
    if (cfg.receiptsAfter?.length) {
      void (async () => {
        for (const status of cfg.receiptsAfter) {
          await delay(cfg.receiptDelayMs ?? 20)
          if (this.ended) return
          this.ev.emit('messages.update', [{ key: msg.key, update: { status } }])
        }
      })()
    }
    if (cfg.delayMs) await delay(cfg.delayMs)
    return msg
  }

  async onWhatsApp (...phones) {
    this.assertOpen()
    this.record('onWhatsApp', { phones })
    const absent = new Set((this.spec.notOnWhatsApp ?? []).map(p => String(p).replace(/^\+/, '')))
    return phones
      .map(p => String(p).replace(/^\+/, '').split('@')[0])
      .filter(d => !absent.has(d))
      .map(d => ({ jid: `${d}@s.whatsapp.net`, exists: true }))
  }

  async requestPairingCode (phone, custom) {
    if (this.ended) throw new Boom('Connection Closed', { statusCode: DisconnectReason.connectionClosed })
    const code = custom ?? this.spec.pairingCode ?? bytesToCrockford(randomBytes(5))
    this.creds.pairingCode = code
    this.creds.me = { id: jidEncode(phone, 's.whatsapp.net'), name: '~' }
    this.ev.emit('creds.update', this.creds)
    this.record('requestPairingCode', { phone, code })
    return code
  }

  async logout () {
    this.record('logout', {})
    await this.end(new Boom('Intentional Logout', { statusCode: DisconnectReason.loggedOut }))
  }

  async end (error) {
    if (this.ended) return
    this.ended = true
    this.isOpen = false
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } })
    this.ev.removeAllListeners('connection.update')
  }

  async readMessages (keys) { this.assertOpen(); this.record('readMessages', { keys }) }
  async sendPresenceUpdate (type, jid) { this.assertOpen(); this.record('sendPresenceUpdate', { type, jid }) }
  async presenceSubscribe (jid) { this.assertOpen(); this.record('presenceSubscribe', { jid }) }
  async updateProfileName (name) { this.assertOpen(); this.record('updateProfileName', { name }) }
  async updateProfileStatus (status) { this.assertOpen(); this.record('updateProfileStatus', { status }) }
  async updateProfilePicture (jid, content) { this.assertOpen(); this.record('updateProfilePicture', { jid, content: summarize(content) }) }
  async removeProfilePicture (jid) { this.assertOpen(); this.record('removeProfilePicture', { jid }) }
}

/**
 * A `makeSocket(config, {device})` factory driven by `script` (PROTOCOL.md, "Test entry point").
 * Each socket a device makes takes the next entry of `sessions`; past the list a linked device
 * opens and an unlinked one shows one QR.
 */
export function fakeSocketFactory (script, { recordPath } = {}) {
  const counts = new Map()
  const current = new Map()
  const recorder = entry => {
    if (recordPath) appendFileSync(recordPath, JSON.stringify({ at: Date.now(), ...entry }) + '\n')
  }
  const specOf = device => ({ ...(script.devices?.['*'] ?? {}), ...(script.devices?.[device] ?? {}) })
  const makeSocket = (config, { device } = {}) => {
    const n = counts.get(device) ?? 0
    counts.set(device, n + 1)
    const spec = specOf(device)
    const sock = new FakeSocket(config, { device, spec, session: n, recorder })
    current.set(device, sock)
    const steps = spec.sessions?.[n] ?? (config.auth.creds.me ? [{ open: true }] : [{ qr: `ref-${n + 1}` }])
    sock.record('makeSocket', { linked: !!config.auth.creds.me, steps: steps.length })
    // like the real socket: 'connecting' at once, the rest after the caller attached its listeners
    setImmediate(async () => {
      try {
        sock.ev.emit('connection.update', { connection: 'connecting', receivedPendingNotifications: false, qr: undefined })
        await sock.run(steps)
      } catch (err) {
        config.logger.error({ err }, 'fake socket script failed')
      }
    })
    return sock
  }
  return { makeSocket, current, jidDecode }
}
