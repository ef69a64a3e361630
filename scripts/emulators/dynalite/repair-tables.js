// Run by scripts/services.sh before dynalite starts on kept data (--path): a dynalite killed between
// CreateTable (or UpdateTable) and the moment it marks the table ACTIVE leaves the table CREATING
// (UPDATING) forever, and dynalite refuses to delete a CREATING table. With --createTableMs 0 the
// table is complete when it is written, so marking it ACTIVE is the repair. Usage: node repair-tables.js <path>
'use strict'
const path = require('path')
const dynalite = path.dirname(require.resolve('dynalite/package.json', { paths: [process.cwd()] }))
const { Level } = require(require.resolve('level', { paths: [dynalite] }))

async function main (dir) {
  const db = new Level(dir, { valueEncoding: 'json' })
  await db.open()
  try {
    for await (const [key, table] of db.iterator({ gte: 'table~', lt: 'table~\xFF' })) {
      if (!table || typeof table !== 'object') continue
      const stuck = table.TableStatus === 'CREATING' || table.TableStatus === 'UPDATING'
      const indexes = (table.GlobalSecondaryIndexes || []).filter(i => i.IndexStatus === 'CREATING' || i.IndexStatus === 'UPDATING')
      if (!stuck && indexes.length === 0) continue
      console.log(`dynalite: table ${table.TableName} was left ${table.TableStatus}: marking it ACTIVE`)
      table.TableStatus = 'ACTIVE'
      indexes.forEach(i => { i.IndexStatus = 'ACTIVE' })
      await db.put(key, table)
    }
  } finally {
    await db.close()
  }
}

main(process.argv[2]).catch(err => { console.error(err.stack || err); process.exit(1) })
