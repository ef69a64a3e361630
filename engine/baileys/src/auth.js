// Baileys' AuthenticationState served by Java over the channel: nothing touches the sidecar's disk.
import { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto } from 'baileys'

/** Any Baileys value → plain JSON with Buffers as `{"type":"Buffer","data":"<base64>"}`. */
export function encode (value) {
  return JSON.parse(JSON.stringify(value, BufferJSON.replacer))
}

/** The reverse of {@link encode}. */
export function decode (json) {
  return JSON.parse(JSON.stringify(json), BufferJSON.reviver)
}

/** Runs calls one after another (per device: one creds.set / keys.set in flight at a time). */
function serial () {
  let tail = Promise.resolve()
  return fn => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return run
  }
}

/**
 * Loads a device's auth state from Java (`auth.get`); a device Java has nothing for gets fresh
 * creds from `initAuthCreds()`, stored with `creds.set` before any socket uses them.
 */
export async function loadJavaAuthState (channel, device, logger) {
  const got = await channel.call('auth.get', { device })
  const fresh = got.creds == null
  const creds = fresh ? initAuthCreds() : decode(got.creds)
  const credsQueue = serial()
  const keysQueue = serial()

  const saveCreds = () => credsQueue(() => channel.call('creds.set', { device, creds: encode(creds) }))

  const store = {
    async get (type, ids) {
      const r = await channel.call('keys.get', { device, type, ids })
      const out = {}
      for (const [id, v] of Object.entries(r.values ?? {})) {
        if (v == null) continue
        let value = decode(v)
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value)
        out[id] = value
      }
      return out
    },
    async set (data) {
      await keysQueue(() => channel.call('keys.set', { device, data: encode(data) }))
    }
  }
  if (fresh) await saveCreds()
  return { creds, keys: makeCacheableSignalKeyStore(store, logger), saveCreds, fresh }
}
