// The sidecar as Java sees it: a child process speaking NDJSON, with Baileys' socket scripted.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FakeJava } from './java.js'

const ME = { phone: '4915100000001', lid: '99001' }
const LINK_FLOW = [{ qr: 'ref-1' }, { wait: 30 }, { qr: 'ref-2' }, { wait: 30 }, { link: ME }, { close: 515 }]
const PEER = '4915112345678@s.whatsapp.net'
const TS = Math.floor(Date.now() / 1000)

function text (id, body, extra = {}) {
  return { key: { remoteJid: PEER, id, fromMe: false, ...extra }, message: { conversation: body }, messageTimestamp: TS, pushName: 'Ana' }
}

test('link by QR, go online, send, receive, receipts, restart without a QR', async (t) => {
  const store = { creds: new Map(), keys: new Map() }
  const script = {
    devices: {
      d1: {
        sessions: [LINK_FLOW],
        send: { receiptsBefore: [2], receiptsAfter: [3, 4] },
        notOnWhatsApp: ['+4915199999999'],
        lids: { '777001@lid': '4915100000003@s.whatsapp.net' }
      }
    }
  }
  const java = new FakeJava(script, { store })
  t.after(() => java.stop())

  await t.test('ready comes first, ping answers pong', async () => {
    const ready = await java.waitEvent('ready')
    assert.equal(ready.protocol, 1)
    assert.equal(ready.baileys, '7.0.0-rc14')
    assert.equal(java.lines[0].ev, 'ready')
    const pong = await java.request('ping', { t: 42 })
    assert.deepEqual([pong.ok, pong.pong, pong.devices], [true, 42, 0])
  })

  await t.test('open → pending, linking with rotating QRs, linked, 515, online', async () => {
    const opened = await java.request('open', { device: 'd1' })
    assert.deepEqual([opened.ok, opened.linked, opened.fresh], [true, false, true])
    const q1 = await java.waitEvent('qr', 'd1', m => m.index === 1)
    const q2 = await java.waitEvent('qr', 'd1', m => m.index === 2)
    assert.match(q1.qr, /^https:\/\/wa\.me\/settings\/linked_devices#ref-1,/)
    assert.match(q2.qr, /#ref-2,/)
    assert.deepEqual([q1.ttlMs, q2.ttlMs], [60000, 20000])
    const linked = await java.waitEvent('linked', 'd1')
    assert.deepEqual(linked.me, { jid: '4915100000001@s.whatsapp.net', phone: '+4915100000001', lid: '99001@lid', name: 'Parley Test' })
    // creds with me were durable at Java before `linked` was reported
    const credsSet = java.lines.findIndex(l => l.op === 'creds.set' && l.creds.me)
    assert.ok(credsSet >= 0 && credsSet < java.lines.indexOf(linked))
    assert.ok(store.creds.get('d1').me)
    const online = await java.waitEvent('status', 'd1', m => m.state === 'online')
    assert.equal(online.me.phone, '+4915100000001')
    assert.deepEqual(java.statuses('d1'), ['pending', 'linking', 'offline', 'online'])
    assert.equal(java.events.find(e => e.ev === 'status' && e.state === 'offline').code, 515)
    // the fresh creds went to Java before the first socket was made
    assert.equal(java.authCalls[0].op, 'auth.get')
    assert.equal(java.authCalls[1].op, 'creds.set')
    assert.equal(java.authCalls[1].creds.noiseKey.public.type, 'Buffer')
  })

  await t.test('send: response before the receipts that beat it, then later receipts', async () => {
    const from = java.lines.length
    const r = await java.request('send', { device: 'd1', to: '+4915112345678', content: { kind: 'text', text: 'hello https://example.com' } })
    assert.equal(r.ok, true, JSON.stringify(r))
    assert.equal(r.jid, PEER)
    await java.waitEvent('receipt', 'd1', m => m.waId === r.waId && m.status === 'read', { from })
    const mine = java.lines.slice(from).filter(l => l.re === r.re || (l.ev === 'receipt' && l.waId === r.waId))
    assert.deepEqual(mine.map(l => l.ev ? l.status : 'response'), ['response', 'server_ack', 'delivered', 'read'])
    // the session key was stored at Java before the send resolved
    const keysSet = java.lines.findIndex((l, i) => i >= from && l.op === 'keys.set')
    assert.ok(keysSet >= 0 && keysSet < java.lines.indexOf(mine[0]))
    assert.ok(store.keys.has(`d1/session/${PEER}`))
    const sent = java.record().filter(e => e.op === 'sendMessage')
    assert.equal(sent.length, 1)
    assert.equal(sent[0].waId, r.waId)
    assert.deepEqual(sent[0].content, { text: 'hello https://example.com', linkPreview: null })
    assert.equal(sent[0].message.extendedTextMessage.text, 'hello https://example.com')
    assert.equal(sent[0].message.extendedTextMessage.title, undefined)
  })

  await t.test('send: numbers checked once, not on WhatsApp is permanent, media and quotes', async () => {
    const again = await java.request('send', { device: 'd1', to: '+4915112345678', waId: 'PARLEYFIXEDID1', content: { kind: 'text', text: 'again' }, quoted: { waId: 'IN1', text: 'hi' } })
    assert.equal(again.waId, 'PARLEYFIXEDID1')
    const lookups = java.record().filter(e => e.op === 'onWhatsApp')
    assert.equal(lookups.length, 1, 'onWhatsApp is cached per number')
    const no = await java.request('send', { device: 'd1', to: '+4915199999999', content: { kind: 'text', text: 'x' } })
    assert.deepEqual([no.ok, no.error.code, no.error.permanent], [false, 'not_on_whatsapp', true])
    const bad = await java.request('send', { device: 'd1', to: '+4915112345678', content: { kind: 'media', media: { type: 'image', url: 'https://example.com/a.png' } } })
    assert.deepEqual([bad.error.code, bad.error.permanent], ['invalid_message', true])
    const missing = await java.request('send', { device: 'd1', to: '+4915112345678', content: { kind: 'media', media: { type: 'image', path: '/nonexistent/a.png' } } })
    assert.equal(missing.error.code, 'media_unreadable')

    const file = join(java.dir, 'report.pdf')
    writeFileSync(file, '%PDF-1.4 fake')
    const doc = await java.request('send', { device: 'd1', to: '120363025246125486@g.us', content: { kind: 'media', media: { type: 'document', path: file, mimetype: 'application/pdf', filename: 'report.pdf', caption: 'Q3' } } })
    assert.equal(doc.ok, true, JSON.stringify(doc))
    const img = await java.request('send', { device: 'd1', to: '+4915112345678', content: { kind: 'media', media: { type: 'image', base64: Buffer.from('not really a jpeg').toString('base64'), caption: 'pic' } } })
    assert.equal(img.ok, true, JSON.stringify(img))
    const rec = java.record().filter(e => e.op === 'sendMessage')
    const d = rec.find(e => e.waId === doc.waId)
    assert.equal(d.jid, '120363025246125486@g.us')
    assert.deepEqual(d.content.document, { url: file })
    assert.equal(d.message.documentMessage.fileName, 'report.pdf')
    assert.equal(d.message.documentMessage.caption, 'Q3')
    assert.match(d.message.documentMessage.directPath, /^\/v\/fake\/document\//)
    const i = rec.find(e => e.waId === img.waId)
    assert.equal(i.content.image.$bytes, 17)
    assert.equal(i.message.imageMessage.caption, 'pic')
    const q = rec.find(e => e.waId === 'PARLEYFIXEDID1')
    assert.equal(q.message.extendedTextMessage.contextInfo.stanzaId, 'IN1')
  })

  await t.test('incoming notify and append, LID resolved, own echoes and duplicates dropped', async () => {
    const from = java.lines.length
    await java.request('fake', {
      device: 'd1',
      steps: [
        { upsert: { type: 'notify', messages: [text('IN1', 'hi'), { ...text('OWN1', 'mine'), key: { remoteJid: PEER, id: 'OWN1', fromMe: true } }] } },
        { upsert: { type: 'append', messages: [{ key: { remoteJid: '777001@lid', id: 'IN2', fromMe: false }, message: { extendedTextMessage: { text: 'while away', contextInfo: { stanzaId: 'OUT9' } } }, messageTimestamp: TS }] } },
        { upsert: { type: 'notify', messages: [{ key: { remoteJid: '120363025246125486@g.us', id: 'IN3', fromMe: false, participant: '4915100000005@s.whatsapp.net' }, message: { locationMessage: { degreesLatitude: 1, degreesLongitude: 2 } }, messageTimestamp: TS }] } },
        { upsert: { type: 'notify', messages: [text('IN1', 'hi')] } }
      ]
    })
    await java.waitEvent('incoming', 'd1', m => m.message.waId === 'IN3', { from })
    const got = java.lines.slice(from).filter(l => l.ev === 'incoming').map(l => l.message)
    assert.deepEqual(got.map(m => [m.waId, m.upsert, m.kind]), [['IN1', 'notify', 'text'], ['IN2', 'append', 'text'], ['IN3', 'notify', 'location']])
    assert.deepEqual([got[1].from, got[1].chat, got[1].quotedWaId], ['+4915100000003', '+4915100000003', 'OUT9'])
    assert.deepEqual([got[2].chat, got[2].from, got[2].group], ['120363025246125486@g.us', '+4915100000005', true])
  })

  await t.test('incoming media comes with its bytes; too large or undownloadable media comes without them', async () => {
    const from = java.lines.length
    const photo = Buffer.from('fake jpeg bytes')
    const media = (id, imageMessage) => ({ key: { remoteJid: PEER, id, fromMe: false }, message: { imageMessage }, messageTimestamp: TS })
    await java.request('fake', {
      device: 'd1',
      steps: [{
        upsert: {
          type: 'notify',
          messages: [
            media('IMG1', { url: 'fake:' + photo.toString('base64'), mimetype: 'image/jpeg', caption: 'look', fileLength: photo.length }),
            media('IMG2', { url: 'fake:' + photo.toString('base64'), mimetype: 'image/jpeg', fileLength: 64 * 1024 * 1024 }),
            media('IMG3', { url: 'https://mmg.example/gone', mimetype: 'image/jpeg' })
          ]
        }
      }]
    })
    await java.waitEvent('incoming', 'd1', m => m.message.waId === 'IMG3', { from })
    const got = java.lines.slice(from).filter(l => l.ev === 'incoming').map(l => l.message)
    assert.deepEqual(got.map(m => [m.waId, m.kind, m.text]), [['IMG1', 'media', 'look'], ['IMG2', 'media', null], ['IMG3', 'media', null]])
    assert.equal(Buffer.from(got[0].media.base64, 'base64').toString(), 'fake jpeg bytes')
    assert.equal(got[0].media.mimetype, 'image/jpeg')
    assert.deepEqual([got[1].media.base64, got[1].media.download], [undefined, 'too_large'])
    assert.deepEqual([got[2].media.base64, got[2].media.download], [undefined, 'failed'])
  })

  await t.test('group receipts from message-receipt.update', async () => {
    const from = java.lines.length
    await java.request('fake', { device: 'd1', steps: [{ receipt: [{ key: { remoteJid: '120363025246125486@g.us', id: 'G-OUT', fromMe: true }, receipt: { userJid: '4915100000005@s.whatsapp.net', readTimestamp: TS } }] }] })
    const r = await java.waitEvent('receipt', 'd1', m => m.waId === 'G-OUT', { from })
    assert.deepEqual([r.status, r.participantJid], ['read', '4915100000005@s.whatsapp.net'])
  })

  await t.test('incoming already seen is not reported again after a reconnect', async () => {
    const from = java.lines.length
    await java.request('fake', { device: 'd1', steps: [{ close: 428 }] })
    await java.waitEvent('status', 'd1', m => m.state === 'online', { from })
    await java.request('fake', { device: 'd1', steps: [{ upsert: { type: 'append', messages: [text('IN1', 'hi'), text('IN4', 'new')] } }] })
    await java.waitEvent('incoming', 'd1', m => m.message.waId === 'IN4', { from })
    assert.deepEqual(java.lines.slice(from).filter(l => l.ev === 'incoming').map(l => l.message.waId), ['IN4'])
    const off = java.lines.slice(from).find(l => l.ev === 'status' && l.state === 'offline')
    assert.deepEqual([off.code, off.reason, off.final, off.attempt], [428, 'connection_closed', false, 1])
    assert.ok(off.retryInMs > 0)
  })

  await t.test('check numbers, profile, mark read, presence', async () => {
    const c = await java.request('checkNumbers', { device: 'd1', phones: ['+4915112345678', '+4915199999999', 'nope', '+4915177777777'] })
    assert.deepEqual(c.results, [
      { phone: '+4915112345678', exists: true, jid: PEER },
      { phone: '+4915199999999', exists: false, jid: null },
      { phone: 'nope', exists: false, jid: null, invalid: true },
      { phone: '+4915177777777', exists: true, jid: '4915177777777@s.whatsapp.net' }
    ])
    assert.equal((await java.request('profile', { device: 'd1', name: 'Shop', about: 'Open 9-5' })).ok, true)
    assert.equal((await java.request('profile', { device: 'd1', picture: { base64: Buffer.from('png bytes').toString('base64') } })).ok, true)
    assert.equal((await java.request('markRead', { device: 'd1', keys: [{ chat: '+4915112345678', waId: 'IN1' }] })).ok, true)
    assert.equal((await java.request('presence', { device: 'd1', type: 'composing', chat: '+4915112345678' })).ok, true)
    const ops = java.record().map(e => e.op)
    for (const op of ['updateProfileName', 'updateProfileStatus', 'updateProfilePicture', 'readMessages', 'sendPresenceUpdate']) assert.ok(ops.includes(op), op)
    assert.equal((await java.request('presence', { device: 'd1', type: 'dancing' })).error.code, 'bad_request')
    assert.equal((await java.request('send', { device: 'zz', to: '+4915112345678', content: { kind: 'text', text: 'x' } })).error.code, 'unknown_device')
  })

  await t.test('stdout carries only protocol lines, even when Baileys and console log', async () => {
    assert.equal((await java.request('noise')).ok, true)
    await java.request('ping')
    for (const line of java.raw) {
      const m = JSON.parse(line)
      assert.ok('ev' in m || 're' in m || ('id' in m && 'op' in m), line)
    }
    assert.match(java.stderr, /console\.log noise/)
  })

  await t.test('close, then a new process resumes the device from Java\'s store without a QR', async () => {
    const closed = await java.request('close', { device: 'd1' })
    assert.equal(closed.ok, true)
    assert.equal(java.events.at(-1).state, 'offline')
    assert.equal(java.events.at(-1).reason, 'closed')
    await java.stop()
    assert.equal((await java.exited).code, 0)

    const again = new FakeJava({ devices: { d1: {} } }, { store })
    t.after(() => again.stop())
    const opened = await again.request('open', { device: 'd1' })
    assert.deepEqual([opened.linked, opened.fresh], [true, false])
    await again.waitEvent('status', 'd1', m => m.state === 'online')
    assert.equal(again.events.filter(e => e.ev === 'qr').length, 0)
    // Baileys reads the stored signal session back through keys.get
    const r = await again.request('send', { device: 'd1', to: '+4915112345678', content: { kind: 'text', text: 'after restart' } })
    assert.equal(r.ok, true)
    const get = again.authCalls.find(c => c.op === 'keys.get' && c.type === 'session')
    assert.deepEqual(get.ids, [PEER])
  })
})

test('disconnect reasons become statuses; logout; pairing code; QR expiry; slow auth acks; EOF exit', async (t) => {
  const linked = [...LINK_FLOW]
  const script = {
    devices: {
      '*': { sessions: [linked] },
      fresh: { sessions: [[{ qr: 'p1' }]], pairingCode: 'PARLEY12' },
      expiring: { sessions: [[{ qr: 'e1' }, { close: 408 }]] }
    }
  }
  const java = new FakeJava(script)
  t.after(() => java.stop())
  const online = async d => {
    assert.equal((await java.request('open', { device: d })).ok, true)
    await java.waitEvent('status', d, m => m.state === 'online')
  }
  await Promise.all(['c401', 'c403', 'c411', 'c440', 'c503', 'out'].map(online))

  const final = async (d, code) => {
    await java.request('fake', { device: d, steps: [{ close: code }] })
    return java.waitEvent('status', d, m => m.final === true || m.code === code)
  }
  const s401 = await final('c401', 401)
  assert.deepEqual([s401.state, s401.final], ['logged_out', true])
  const s403 = await final('c403', 403)
  assert.deepEqual([s403.state, s403.reason], ['forbidden', 'forbidden'])
  const s411 = await final('c411', 411)
  assert.deepEqual([s411.state, s411.reason], ['forbidden', 'multidevice_mismatch'])
  const s440 = await final('c440', 440)
  assert.deepEqual([s440.state, s440.reason, s440.final], ['offline', 'replaced', true])
  const s503 = await final('c503', 503)
  assert.deepEqual([s503.state, s503.final], ['offline', false])
  await java.waitEvent('status', 'c503', m => m.state === 'online', { from: java.lines.indexOf(s503) })
  // a stopped device is gone: Java opens it again when a person acted
  assert.equal((await java.request('send', { device: 'c403', to: '+4915112345678', content: { kind: 'text', text: 'x' } })).error.code, 'unknown_device')

  const out = await java.request('logout', { device: 'out' })
  assert.deepEqual([out.ok, out.server], [true, true])
  const lo = java.events.filter(e => e.ev === 'status' && e.device === 'out').at(-1)
  assert.deepEqual([lo.state, lo.final], ['logged_out', true])
  assert.equal(java.events.filter(e => e.ev === 'status' && e.device === 'out' && e.state === 'logged_out').length, 1)
  assert.ok(java.record().some(e => e.op === 'logout' && e.device === 'out'))

  assert.equal((await java.request('open', { device: 'fresh' })).linked, false)
  const code = await java.request('pairingCode', { device: 'fresh', phone: '+4915100000042' })
  assert.deepEqual([code.ok, code.code], [true, 'PARLEY12'])
  assert.ok(java.record().some(e => e.op === 'requestPairingCode' && e.phone === '4915100000042'))
  await java.request('fake', { device: 'fresh', steps: [{ link: { phone: '4915100000042' } }, { close: 515 }] })
  await java.waitEvent('status', 'fresh', m => m.state === 'online')
  assert.equal((await java.request('pairingCode', { device: 'fresh', phone: '+4915100000042' })).error.code, 'already_linked')

  await java.request('open', { device: 'expiring' })
  const exp = await java.waitEvent('status', 'expiring', m => m.final === true)
  assert.deepEqual([exp.state, exp.reason, exp.code], ['pending', 'qr_expired', 408])

  // auth calls wait for Java: a slow acknowledgement of keys.set holds the send
  java.delayAcks = 300
  const t0 = Date.now()
  const slow = await java.request('send', { device: 'c503', to: '+4915112345678', content: { kind: 'text', text: 'slow' } })
  assert.equal(slow.ok, true, JSON.stringify(slow))
  assert.ok(Date.now() - t0 >= 300, 'the send waited for keys.set to be acknowledged')
  java.delayAcks = 0

  java.child.stdin.end()
  const { code: exitCode } = await java.exited
  assert.equal(exitCode, 0)
})
