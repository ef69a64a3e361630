// Imported first by every entry point: stdout carries protocol lines only (PROTOCOL.md).
// console.* goes to stderr; protocol lines are written with process.stdout.write by channel.js.
import { format } from 'node:util'

for (const name of ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir']) {
  console[name] = (...args) => { process.stderr.write(format(...args) + '\n') }
}
