// Test entry point: the real sidecar with Baileys' network socket replaced by the scripted fake.
// Selected only here, by PARLEY_FAKE_SOCKET=<script.json>; src/sidecar.js never reads it.
// PARLEY_FAKE_RECORD=<file> receives one JSON line per call the fake was asked to make.
import './stdio.js'
import { readFileSync } from 'node:fs'
import { main } from './sidecar.js'
import { fakeSocketFactory } from './testing/fake-socket.js'
import { ProtocolError } from './channel.js'

const scriptPath = process.env.PARLEY_FAKE_SOCKET
if (!scriptPath) {
  process.stderr.write('test-entry: set PARLEY_FAKE_SOCKET to a fake socket script (JSON)\n')
  process.exit(2)
}
const script = JSON.parse(readFileSync(scriptPath, 'utf8'))
const fake = fakeSocketFactory(script, { recordPath: process.env.PARLEY_FAKE_RECORD || script.record })

/** The fake network's media: a media message whose `url` is `fake:<base64>` downloads as those bytes; any other fails. */
function fakeDownload (msg) {
  const inner = Object.values(msg.message ?? {}).find(v => v && typeof v === 'object' && typeof v.url === 'string')
  if (!inner?.url?.startsWith('fake:')) throw new Error(`no fake media at ${inner?.url}`)
  return Buffer.from(inner.url.slice(5), 'base64')
}

main({
  makeSocket: fake.makeSocket,
  downloadMedia: fakeDownload,
  extraOps: {
    // test-only: run fake steps on a device's current socket, e.g. {"op":"fake","device":"d1","steps":[{"close":428}]}
    fake: async req => {
      const sock = fake.current.get(req.device)
      if (!sock) throw new ProtocolError('unknown_device', `no fake socket for ${req.device}`)
      await sock.run(req.steps ?? [])
      return { session: sock.session }
    },
    // test-only: make the process log to stdout-adjacent channels to prove stdout hygiene
    noise: async () => {
      console.log('console.log noise'); console.info('console.info noise'); console.warn('console.warn noise')
      const { default: baileysLogger } = await import('baileys/lib/Utils/logger.js')
      baileysLogger.info('baileys default logger noise')
      return {}
    }
  }
})
