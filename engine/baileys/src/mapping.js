// Pure mapping between Parley's message model (as it travels in PROTOCOL.md) and Baileys' shapes.
// No I/O here: the sidecar resolves LIDs, checks numbers and reads files around these functions.
import {
  getContentType,
  isJidGroup,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  normalizeMessageContent
} from 'baileys'

/** A request Parley can never get sent as asked; `code` is one of PROTOCOL.md's error codes. */
export class MappingError extends Error {
  constructor (code, message) {
    super(message)
    this.code = code
  }
}

const E164 = /^\+?[1-9][0-9]{6,14}$/

/** `+4915112345678`, `4915112345678` → `4915112345678`; anything else → null. */
export function phoneDigits (phone) {
  if (typeof phone !== 'string') return null
  const p = phone.replace(/[\s()-]/g, '')
  return E164.test(p) ? p.replace(/^\+/, '') : null
}

/**
 * Parley's recipient → a Baileys JID: an E.164 number → `<digits>@s.whatsapp.net`; a group id
 * `<id>@g.us`, a `@s.whatsapp.net` or `@lid` JID pass through (normalized).
 */
export function toJid (to) {
  if (typeof to !== 'string' || to.length === 0) throw new MappingError('invalid_recipient', 'no recipient')
  if (to.includes('@')) {
    if (isJidGroup(to)) return to
    if (isPnUser(to) || isLidUser(to)) return jidNormalizedUser(to)
    throw new MappingError('invalid_recipient', `unsupported JID ${to}`)
  }
  const digits = phoneDigits(to)
  if (!digits) throw new MappingError('invalid_recipient', `not an E.164 number: ${to}`)
  return `${digits}@s.whatsapp.net`
}

/** A phone JID → `+digits`; anything else → null. */
export function jidToPhone (jid) {
  if (!jid || !isPnUser(jid)) return null
  const d = jidDecode(jid)
  return d?.user ? `+${d.user}` : null
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/

/**
 * Media bytes as Baileys takes them: `{base64}` → Buffer, `{path}` (absolute local file) →
 * `{url: path}` which Baileys streams from disk. A URL is refused: Baileys must never fetch.
 */
export function mediaSource (media) {
  if (typeof media.base64 === 'string') {
    const buf = Buffer.from(media.base64, 'base64')
    if (buf.length === 0) throw new MappingError('invalid_message', 'media.base64 is empty')
    return buf
  }
  if (typeof media.path === 'string') {
    if (SCHEME.test(media.path) || !media.path.startsWith('/')) {
      throw new MappingError('invalid_message', 'media.path must be an absolute local file path, not a URL')
    }
    return { url: media.path }
  }
  if (media.url) throw new MappingError('invalid_message', 'media by URL is not accepted: pass base64 or path')
  throw new MappingError('invalid_message', 'media needs base64 or path')
}

const DEFAULT_MIME = {
  image: 'image/jpeg',
  video: 'video/mp4',
  gif: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  archive: 'application/zip'
}

function linkPreviewOf (preview, text, link) {
  if (!preview) return null // never let Baileys fetch a preview itself
  const matched = preview.matchedText ?? link ?? (text.match(/https?:\/\/\S+/) || [])[0]
  if (!matched) throw new MappingError('invalid_message', 'a preview needs a link in the text')
  const out = { 'matched-text': matched, 'canonical-url': preview.url ?? matched, title: preview.title ?? '' }
  if (preview.description != null) out.description = preview.description
  if (preview.thumbnailBase64) out.jpegThumbnail = Buffer.from(preview.thumbnailBase64, 'base64')
  return out
}

/**
 * Parley's send request → `{jid, content, options}` for `sock.sendMessage(jid, content, options)`.
 * `req` = `{to, content:{kind,text,link,preview,location,media}, quoted?, waId?}` (PROTOCOL.md).
 */
export function toBaileysSend (req) {
  const jid = toJid(req.to)
  const c = req.content
  if (!c || typeof c !== 'object') throw new MappingError('invalid_message', 'no content')
  let content
  switch (c.kind) {
    case 'text':
    case 'link': {
      let text = c.text ?? ''
      if (c.kind === 'link' && c.link && !text.includes(c.link)) text = text ? `${text} ${c.link}` : c.link
      if (!text) throw new MappingError('invalid_message', 'text is empty')
      content = { text, linkPreview: linkPreviewOf(c.preview, text, c.link) }
      break
    }
    case 'location': {
      const l = c.location
      if (!l || typeof l.latitude !== 'number' || typeof l.longitude !== 'number') {
        throw new MappingError('invalid_message', 'location needs numeric latitude and longitude')
      }
      const location = { degreesLatitude: l.latitude, degreesLongitude: l.longitude }
      if (l.name) location.name = l.name
      if (l.address) location.address = l.address
      if (c.text) location.comment = c.text
      content = { location }
      break
    }
    case 'media': {
      const m = c.media
      if (!m || typeof m !== 'object') throw new MappingError('invalid_message', 'media kind without media')
      const src = mediaSource(m)
      const caption = m.caption ?? c.text
      const mimetype = m.mimetype ?? DEFAULT_MIME[m.type]
      switch (m.type) {
        case 'image': content = { image: src }; break
        case 'video': content = { video: src }; break
        case 'gif': content = { video: src, gifPlayback: true }; break
        case 'audio': content = { audio: src, ptt: m.ptt === true }; break
        case 'document':
        case 'archive':
          content = { document: src, fileName: m.filename || 'file' }
          break
        default: throw new MappingError('invalid_message', `unknown media type ${m.type}`)
      }
      content.mimetype = mimetype
      // WhatsApp shows no caption on audio: Parley's caption is dropped there.
      if (caption && m.type !== 'audio') content.caption = caption
      break
    }
    default:
      throw new MappingError('invalid_message', `unknown content kind ${c.kind}`)
  }
  const options = {}
  if (req.waId) options.messageId = req.waId
  if (req.quoted) options.quoted = quotedOf(req.quoted, jid)
  return { jid, content, options }
}

/** `{waId, chat?, fromMe?, participant?, text?}` → Baileys' `options.quoted` (a minimal WAMessage). */
export function quotedOf (q, chatJid) {
  if (!q.waId) throw new MappingError('invalid_message', 'quoted needs waId')
  const remoteJid = q.chat ? toJid(q.chat) : chatJid
  const key = { remoteJid, id: q.waId, fromMe: q.fromMe === true }
  if (q.participant) key.participant = toJid(q.participant)
  return { key, message: { conversation: q.text ?? '' } }
}

// ---------------------------------------------------------------------------------------------
// Baileys → Parley

function toMillis (ts) {
  if (ts == null) return null
  const n = typeof ts === 'number' ? ts : Number(ts.toString())
  return Number.isFinite(n) && n > 0 ? n * 1000 : null
}

function num (v) {
  if (v == null) return undefined
  const n = typeof v === 'number' ? v : Number(v.toString())
  return Number.isFinite(n) ? n : undefined
}

/**
 * The sender's phone: the JID itself when it is a phone JID, else its `...Alt` twin, else the
 * known LID → phone mapping (`lidToPn`: Map or function of a LID JID → phone JID or null).
 */
export function resolvePhone (jid, altJid, lidToPn) {
  if (jid && isPnUser(jid)) return jidToPhone(jidNormalizedUser(jid))
  if (altJid && isPnUser(altJid)) return jidToPhone(jidNormalizedUser(altJid))
  if (jid && isLidUser(jid) && lidToPn) {
    const lid = jidNormalizedUser(jid)
    const pn = typeof lidToPn === 'function' ? lidToPn(lid) : lidToPn.get(lid)
    if (pn) return jidToPhone(jidNormalizedUser(pn))
  }
  return null
}

/** The LIDs in a message key whose phone is not given by the key itself (for the sidecar to look up). */
export function lidsToResolve (key) {
  const out = []
  const group = isJidGroup(key.remoteJid)
  const jid = group ? key.participant : key.remoteJid
  const alt = group ? key.participantAlt : key.remoteJidAlt
  if (jid && isLidUser(jid) && !(alt && isPnUser(alt))) out.push(jidNormalizedUser(jid))
  return out
}

const MEDIA_TYPES = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker'
}

const IGNORED = new Set([
  'protocolMessage', 'senderKeyDistributionMessage', 'reactionMessage', 'messageContextInfo',
  'pollUpdateMessage', 'keepInChatMessage', 'encReactionMessage'
])

/**
 * One `messages.upsert` message → Parley's incoming message, or null when it is not one
 * (our own echo, a stub, a protocol or reaction message, a status broadcast).
 */
export function fromBaileysMessage (msg, { type = 'notify', lidToPn } = {}) {
  const key = msg?.key
  if (!key || key.fromMe || !key.id || !key.remoteJid) return null
  if (key.remoteJid === 'status@broadcast' || key.remoteJid.endsWith('@newsletter') || key.remoteJid.endsWith('@broadcast')) return null
  const m = normalizeMessageContent(msg.message)
  if (!m) return null
  const ct = getContentType(m)
  if (!ct || IGNORED.has(ct)) return null
  const inner = m[ct]

  const chatJid = key.remoteJid
  const group = isJidGroup(chatJid) === true
  const senderJid = group ? (key.participant || null) : chatJid
  const senderAlt = group ? key.participantAlt : key.remoteJidAlt
  const phone = resolvePhone(senderJid, senderAlt, lidToPn)
  const from = phone ?? (senderJid ? jidNormalizedUser(senderJid) : null)

  const out = {
    waId: key.id,
    chat: group ? chatJid : from,
    chatJid,
    from,
    fromJid: senderJid ? jidNormalizedUser(senderJid) : null,
    phone,
    group,
    pushName: msg.pushName ?? null,
    at: toMillis(msg.messageTimestamp) ?? Date.now(),
    upsert: type,
    kind: 'text',
    text: null,
    quotedWaId: null
  }
  if (group) out.participantJid = key.participant ? jidNormalizedUser(key.participant) : null

  let contextInfo
  if (ct === 'conversation') {
    out.text = m.conversation
  } else if (ct === 'extendedTextMessage') {
    out.text = inner.text ?? null
    contextInfo = inner.contextInfo
    if (inner.matchedText) out.link = inner.matchedText
  } else if (ct === 'locationMessage' || ct === 'liveLocationMessage') {
    out.kind = 'location'
    out.location = {
      latitude: inner.degreesLatitude ?? null,
      longitude: inner.degreesLongitude ?? null,
      name: inner.name ?? null,
      address: inner.address ?? null,
      live: ct === 'liveLocationMessage'
    }
    out.text = inner.comment ?? inner.caption ?? null
    contextInfo = inner.contextInfo
  } else if (MEDIA_TYPES[ct]) {
    out.kind = 'media'
    const mediaType = ct === 'videoMessage' && inner.gifPlayback ? 'gif' : MEDIA_TYPES[ct]
    const media = { type: mediaType, mimetype: inner.mimetype ?? null }
    if (inner.fileName) media.filename = inner.fileName
    const size = num(inner.fileLength); if (size !== undefined) media.size = size
    const secs = num(inner.seconds); if (secs !== undefined) media.seconds = secs
    if (inner.width) media.width = inner.width
    if (inner.height) media.height = inner.height
    if (ct === 'audioMessage') media.ptt = inner.ptt === true
    if (inner.fileSha256) media.sha256 = Buffer.from(inner.fileSha256).toString('base64')
    out.media = media
    out.text = inner.caption ?? null
    contextInfo = inner.contextInfo
  } else {
    out.kind = 'unsupported'
    out.contentType = ct
    contextInfo = inner?.contextInfo
  }
  if (contextInfo?.stanzaId) {
    out.quotedWaId = contextInfo.stanzaId
    if (contextInfo.participant) out.quotedParticipant = jidNormalizedUser(contextInfo.participant)
  }
  return out
}

/** `WAMessageStatus` number → Parley receipt name; null for statuses Parley does not report. */
export const RECEIPT_BY_STATUS = Object.freeze({ 0: 'error', 2: 'server_ack', 3: 'delivered', 4: 'read', 5: 'played' })

/** One `messages.update` entry → a receipt for a message we sent, or null. */
export function fromMessageUpdate ({ key, update }) {
  if (!key?.id || !key.fromMe || update?.status == null) return null
  const status = RECEIPT_BY_STATUS[update.status]
  if (!status) return null
  return { waId: key.id, chatJid: key.remoteJid ?? null, status }
}

/** One `message-receipt.update` entry (groups: one per participant) → a receipt, or null. */
export function fromReceiptUpdate ({ key, receipt }) {
  if (!key?.id || !receipt) return null
  let status = null
  let at = null
  if (receipt.playedTimestamp) { status = 'played'; at = receipt.playedTimestamp } else if (receipt.readTimestamp) { status = 'read'; at = receipt.readTimestamp } else if (receipt.receiptTimestamp) { status = 'delivered'; at = receipt.receiptTimestamp }
  if (!status) return null
  const out = { waId: key.id, chatJid: key.remoteJid ?? null, status, at: toMillis(at) }
  if (receipt.userJid) out.participantJid = jidNormalizedUser(receipt.userJid)
  return out
}

/**
 * Baileys disconnect code → Parley's policy. `action`: `reconnect` (new socket now), `backoff`
 * (new socket after a delay), `stop` (final until Java opens the device again).
 */
export function classifyDisconnect (code, { registered = true } = {}) {
  switch (code) {
    case 515: return { action: 'reconnect', state: 'offline', reason: 'restart_required', final: false }
    case 401: return { action: 'stop', state: 'logged_out', reason: 'logged_out', final: true }
    case 403: return { action: 'stop', state: 'forbidden', reason: 'forbidden', final: true }
    case 411: return { action: 'stop', state: 'forbidden', reason: 'multidevice_mismatch', final: true }
    case 440: return { action: 'stop', state: 'offline', reason: 'replaced', final: true }
    case 408:
      if (!registered) return { action: 'stop', state: 'pending', reason: 'qr_expired', final: true }
      return { action: 'backoff', state: 'offline', reason: 'timed_out', final: false }
    case 428: return { action: 'backoff', state: registered ? 'offline' : 'pending', reason: 'connection_closed', final: false }
    case 500: return { action: 'backoff', state: registered ? 'offline' : 'pending', reason: 'bad_session', final: false }
    case 503: return { action: 'backoff', state: registered ? 'offline' : 'pending', reason: 'unavailable', final: false }
    default: return { action: 'backoff', state: registered ? 'offline' : 'pending', reason: 'connection_lost', final: false }
  }
}

/** Delay before reconnect attempt `attempt` (1-based): base·2^(attempt-1), capped, ±20 % jitter. */
export function backoffMs (attempt, { baseMs = 1000, maxMs = 60000, random = Math.random } = {}) {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.8 + 0.4 * random()))
}

/** Our user as Parley sees it, from `sock.user` / `creds.me`. */
export function meOf (me) {
  if (!me?.id) return null
  const jid = jidNormalizedUser(me.id)
  return { jid, phone: jidToPhone(jid), lid: me.lid ? jidNormalizedUser(me.lid) : null, name: me.name ?? null }
}
