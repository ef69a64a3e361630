import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateWAMessageContent, proto } from 'baileys'
import {
  MappingError, backoffMs, classifyDisconnect, fromBaileysMessage, fromMessageUpdate, fromReceiptUpdate,
  lidsToResolve, toBaileysSend, toJid
} from '../src/mapping.js'

const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')

test('recipients: E.164 numbers, groups and JIDs', () => {
  assert.equal(toJid('+4915112345678'), '4915112345678@s.whatsapp.net')
  assert.equal(toJid('4915112345678'), '4915112345678@s.whatsapp.net')
  assert.equal(toJid('120363025246125486@g.us'), '120363025246125486@g.us')
  assert.equal(toJid('4915112345678:3@s.whatsapp.net'), '4915112345678@s.whatsapp.net')
  assert.equal(toJid('123456789@lid'), '123456789@lid')
  for (const bad of ['', '+12', 'hello', 'x@example.com']) {
    assert.throws(() => toJid(bad), e => e instanceof MappingError && e.code === 'invalid_recipient', bad)
  }
})

test('text: link preview off unless Parley supplies one', async () => {
  const { jid, content, options } = toBaileysSend({ to: '+4915112345678', content: { kind: 'text', text: 'see https://example.com' } })
  assert.equal(jid, '4915112345678@s.whatsapp.net')
  assert.deepEqual(content, { text: 'see https://example.com', linkPreview: null })
  assert.deepEqual(options, {})
  // Baileys itself does not try to fetch a preview for it
  const m = await generateWAMessageContent(content, { getUrlInfo: () => { throw new Error('fetched') } })
  assert.equal(m.extendedTextMessage.text, 'see https://example.com')
  assert.equal(m.extendedTextMessage.title, undefined)
})

test('link with a preview built by Parley', async () => {
  const { content } = toBaileysSend({
    to: '+4915112345678',
    content: { kind: 'link', text: 'Our news', link: 'https://parley.example/news', preview: { title: 'News', description: 'All of it', thumbnailBase64: PNG } }
  })
  assert.equal(content.text, 'Our news https://parley.example/news')
  assert.equal(content.linkPreview['matched-text'], 'https://parley.example/news')
  assert.equal(content.linkPreview.title, 'News')
  assert.ok(Buffer.isBuffer(content.linkPreview.jpegThumbnail))
  const m = await generateWAMessageContent(content, {})
  assert.equal(m.extendedTextMessage.matchedText, 'https://parley.example/news')
  assert.equal(m.extendedTextMessage.description, 'All of it')
})

test('location, with name, address and text', async () => {
  const { content } = toBaileysSend({ to: '+4915112345678', content: { kind: 'location', text: 'here', location: { latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Mitte' } } })
  assert.deepEqual(content, { location: { degreesLatitude: 52.52, degreesLongitude: 13.405, name: 'Berlin', address: 'Mitte', comment: 'here' } })
  const m = await generateWAMessageContent(content, {})
  assert.equal(m.locationMessage.degreesLatitude, 52.52)
  assert.throws(() => toBaileysSend({ to: '+4915112345678', content: { kind: 'location', location: { address: 'only' } } }), { code: 'invalid_message' })
})

test('media: bytes as base64 or a local path, never a URL', () => {
  const img = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media: { type: 'image', base64: PNG, caption: 'pic' } } }).content
  assert.ok(Buffer.isBuffer(img.image))
  assert.equal(img.caption, 'pic')
  assert.equal(img.mimetype, 'image/jpeg')

  const vid = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media: { type: 'video', path: '/data/v.mp4', mimetype: 'video/mp4' } } }).content
  assert.deepEqual(vid, { video: { url: '/data/v.mp4' }, mimetype: 'video/mp4' })

  const gif = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', text: 'ha', media: { type: 'gif', path: '/data/g.mp4' } } }).content
  assert.equal(gif.gifPlayback, true)
  assert.equal(gif.caption, 'ha')

  const audio = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media: { type: 'audio', base64: PNG, caption: 'dropped', ptt: true } } }).content
  assert.equal(audio.ptt, true)
  assert.equal(audio.caption, undefined)
  assert.equal(audio.mimetype, 'audio/ogg; codecs=opus')

  const doc = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media: { type: 'document', base64: PNG } } }).content
  assert.equal(doc.fileName, 'file')
  assert.equal(doc.mimetype, 'application/octet-stream')
  const zip = toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media: { type: 'archive', path: '/data/a.zip', filename: 'a.zip' } } }).content
  assert.deepEqual(zip, { document: { url: '/data/a.zip' }, fileName: 'a.zip', mimetype: 'application/zip' })

  for (const media of [{ type: 'image', url: 'https://x/y.png' }, { type: 'image', path: 'https://x/y.png' }, { type: 'image', path: 'file:///etc/passwd' }, { type: 'image', path: 'relative.png' }, { type: 'image' }, { type: 'sticker', base64: PNG }]) {
    assert.throws(() => toBaileysSend({ to: '+4915112345678', content: { kind: 'media', media } }), { code: 'invalid_message' }, JSON.stringify(media))
  }
})

test('quoted replies and fixed message ids', () => {
  const { jid, options } = toBaileysSend({ to: '120363025246125486@g.us', waId: 'PARLEY0001', content: { kind: 'text', text: 'yes' }, quoted: { waId: 'ABC', participant: '+4915100000009', text: 'question?' } })
  assert.equal(jid, '120363025246125486@g.us')
  assert.equal(options.messageId, 'PARLEY0001')
  assert.deepEqual(options.quoted, { key: { remoteJid: '120363025246125486@g.us', id: 'ABC', fromMe: false, participant: '4915100000009@s.whatsapp.net' }, message: { conversation: 'question?' } })
})

const TS = 1767225600 // 2026-01-01T00:00:00Z

test('incoming text from a phone JID, notify and append', () => {
  const msg = { key: { remoteJid: '4915100000002@s.whatsapp.net', id: 'IN1', fromMe: false }, message: { conversation: 'hi' }, messageTimestamp: TS, pushName: 'Ana' }
  const a = fromBaileysMessage(msg, { type: 'notify' })
  assert.deepEqual(a, { waId: 'IN1', chat: '+4915100000002', chatJid: '4915100000002@s.whatsapp.net', from: '+4915100000002', fromJid: '4915100000002@s.whatsapp.net', phone: '+4915100000002', group: false, pushName: 'Ana', at: TS * 1000, upsert: 'notify', kind: 'text', text: 'hi', quotedWaId: null })
  assert.equal(fromBaileysMessage(msg, { type: 'append' }).upsert, 'append')
  assert.equal(fromBaileysMessage({ ...msg, key: { ...msg.key, fromMe: true } }), null)
  assert.equal(fromBaileysMessage({ ...msg, message: { protocolMessage: { type: 0 } } }), null)
  assert.equal(fromBaileysMessage({ ...msg, key: { ...msg.key, remoteJid: 'status@broadcast' } }), null)
})

test('incoming from a LID: phone from the key\'s alt JID, or the known mapping, else the LID', () => {
  const base = { key: { remoteJid: '777001@lid', id: 'IN2', fromMe: false }, message: { extendedTextMessage: { text: 'reply', contextInfo: { stanzaId: 'OUT9', participant: '4915100000001@s.whatsapp.net' } } }, messageTimestamp: TS }
  assert.deepEqual(lidsToResolve(base.key), ['777001@lid'])
  const unknown = fromBaileysMessage(base)
  assert.equal(unknown.from, '777001@lid')
  assert.equal(unknown.phone, null)
  assert.equal(unknown.quotedWaId, 'OUT9')
  const mapped = fromBaileysMessage(base, { lidToPn: new Map([['777001@lid', '4915100000003@s.whatsapp.net']]) })
  assert.equal(mapped.from, '+4915100000003')
  assert.equal(mapped.chat, '+4915100000003')
  assert.equal(mapped.chatJid, '777001@lid')
  const alt = { ...base, key: { ...base.key, remoteJidAlt: '4915100000004@s.whatsapp.net' } }
  assert.deepEqual(lidsToResolve(alt.key), [])
  assert.equal(fromBaileysMessage(alt).phone, '+4915100000004')
})

test('incoming in a group: chat is the group, sender the participant', () => {
  const m = fromBaileysMessage({ key: { remoteJid: '120363025246125486@g.us', id: 'G1', fromMe: false, participant: '555@lid', participantAlt: '4915100000005@s.whatsapp.net' }, message: { conversation: 'all' }, messageTimestamp: TS })
  assert.equal(m.group, true)
  assert.equal(m.chat, '120363025246125486@g.us')
  assert.equal(m.from, '+4915100000005')
  assert.equal(m.participantJid, '555@lid')
})

test('incoming media metadata, gif, location and unsupported kinds', () => {
  const key = { remoteJid: '4915100000002@s.whatsapp.net', id: 'M1', fromMe: false }
  const img = fromBaileysMessage(proto.WebMessageInfo.fromObject({ key, messageTimestamp: TS, message: { imageMessage: { mimetype: 'image/jpeg', caption: 'look', fileLength: 1234, width: 10, height: 20, fileSha256: Buffer.from('abc') } } }))
  assert.equal(img.kind, 'media')
  assert.deepEqual(img.media, { type: 'image', mimetype: 'image/jpeg', size: 1234, width: 10, height: 20, sha256: Buffer.from('abc').toString('base64') })
  assert.equal(img.text, 'look')
  const gif = fromBaileysMessage({ key, message: { videoMessage: { mimetype: 'video/mp4', gifPlayback: true, seconds: 3 } } })
  assert.equal(gif.media.type, 'gif')
  assert.equal(gif.media.seconds, 3)
  const doc = fromBaileysMessage({ key, message: { documentWithCaptionMessage: { message: { documentMessage: { mimetype: 'application/pdf', fileName: 'a.pdf', caption: 'the doc' } } } } })
  assert.deepEqual([doc.media.type, doc.media.filename, doc.text], ['document', 'a.pdf', 'the doc'])
  const ptt = fromBaileysMessage({ key, message: { audioMessage: { mimetype: 'audio/ogg', ptt: true } } })
  assert.equal(ptt.media.ptt, true)
  const loc = fromBaileysMessage({ key, message: { locationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5, name: 'X' } } })
  assert.deepEqual(loc.location, { latitude: 1.5, longitude: 2.5, name: 'X', address: null, live: false })
  const eph = fromBaileysMessage({ key, message: { ephemeralMessage: { message: { conversation: 'vanishing' } } } })
  assert.equal(eph.text, 'vanishing')
  const contact = fromBaileysMessage({ key, message: { contactMessage: { displayName: 'Bo' } } })
  assert.deepEqual([contact.kind, contact.contentType], ['unsupported', 'contactMessage'])
})

test('receipts: messages.update statuses 2..5 and group receipts', () => {
  const key = { remoteJid: '777001@lid', id: 'OUT1', fromMe: true }
  assert.deepEqual([2, 3, 4, 5].map(status => fromMessageUpdate({ key, update: { status } }).status), ['server_ack', 'delivered', 'read', 'played'])
  assert.equal(fromMessageUpdate({ key, update: { status: 1 } }), null)
  assert.equal(fromMessageUpdate({ key: { ...key, fromMe: false }, update: { status: 4 } }), null)
  assert.equal(fromMessageUpdate({ key, update: { starred: true } }), null)
  assert.equal(fromMessageUpdate({ key, update: { status: 3 } }).chatJid, '777001@lid')
  const gk = { remoteJid: '120363025246125486@g.us', id: 'OUT2', fromMe: true }
  assert.deepEqual(fromReceiptUpdate({ key: gk, receipt: { userJid: '4915100000005@s.whatsapp.net', receiptTimestamp: TS } }), { waId: 'OUT2', chatJid: gk.remoteJid, status: 'delivered', at: TS * 1000, participantJid: '4915100000005@s.whatsapp.net' })
  assert.equal(fromReceiptUpdate({ key: gk, receipt: { userJid: 'a@s.whatsapp.net', receiptTimestamp: TS, readTimestamp: TS + 1 } }).status, 'read')
  assert.equal(fromReceiptUpdate({ key: gk, receipt: { userJid: 'a@s.whatsapp.net', playedTimestamp: TS } }).status, 'played')
  assert.equal(fromReceiptUpdate({ key: gk, receipt: { userJid: 'a@s.whatsapp.net' } }), null)
})

test('disconnect codes follow Parley\'s policy', () => {
  const t = (code, registered = true) => { const c = classifyDisconnect(code, { registered }); return [c.action, c.state, c.reason, c.final] }
  assert.deepEqual(t(515), ['reconnect', 'offline', 'restart_required', false])
  for (const code of [408, 428, 500, 503, undefined]) assert.equal(t(code)[0], 'backoff', String(code))
  assert.deepEqual(t(408, false), ['stop', 'pending', 'qr_expired', true])
  assert.deepEqual(t(401), ['stop', 'logged_out', 'logged_out', true])
  assert.deepEqual(t(403), ['stop', 'forbidden', 'forbidden', true])
  assert.deepEqual(t(411), ['stop', 'forbidden', 'multidevice_mismatch', true])
  assert.deepEqual(t(440), ['stop', 'offline', 'replaced', true])
  assert.equal(t(428, false)[1], 'pending')
})

test('backoff doubles with jitter up to a cap', () => {
  const mid = { baseMs: 1000, maxMs: 60000, random: () => 0.5 }
  assert.deepEqual([1, 2, 3, 7, 12].map(a => backoffMs(a, mid)), [1000, 2000, 4000, 60000, 60000])
  assert.equal(backoffMs(1, { ...mid, random: () => 0 }), 800)
  assert.equal(backoffMs(1, { ...mid, random: () => 1 }), 1200)
})
