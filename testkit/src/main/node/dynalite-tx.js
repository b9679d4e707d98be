#!/usr/bin/env node
// dynalite (a DynamoDB emulator on LevelDB) behind a small proxy that adds what dynalite lacks:
// TransactWriteItems and TransactGetItems (atomic: every request goes through one mutex),
// ReturnValuesOnConditionCheckFailure on single-item writes, and the TTL setting
// (UpdateTimeToLive / DescribeTimeToLive store it; nothing ever expires).
//
// Usage: node dynalite-tx.js [--port N] [--path DIR] [--parent-watch]
//   --port 0 (default) picks a free port; the chosen port is the first line on stdout.
//   --path DIR persists the tables (and the TTL settings) in DIR; in memory otherwise.
//   --parent-watch exits when stdin closes (the launching process died).
'use strict'
const fs = require('fs')
const http = require('http')
const path = require('path')
const zlib = require('zlib')
const dynalite = require('dynalite')

const args = { port: 0, path: null, parentWatch: false }
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]
  if (a === '--port') args.port = Number(process.argv[++i])
  else if (a === '--path') args.path = process.argv[++i]
  else if (a === '--parent-watch') args.parentWatch = true
  else { console.error('unknown argument ' + a); process.exit(2) }
}

const backend = dynalite({ path: args.path || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
let backendPort = 0
const schemas = new Map() // table -> key attribute names, hash key first
const ttlFile = args.path ? path.join(args.path, 'tally-ttl.json') : null
const ttl = ttlFile && fs.existsSync(ttlFile) ? JSON.parse(fs.readFileSync(ttlFile, 'utf8')) : {}
const PREFIX = 'com.amazonaws.dynamodb.v20120810#'

// One mutex for every request, reads included, so nobody sees half a transaction.
let tail = Promise.resolve()
function serialized (fn) {
  const run = tail.then(fn, fn)
  tail = run.catch(() => {})
  return run
}

class DdbError extends Error {
  constructor (type, message, status, extra) {
    super(message)
    this.type = type
    this.status = status || 400
    this.extra = extra
  }
  body () { return Object.assign({ __type: this.type.includes('#') ? this.type : PREFIX + this.type, message: this.message }, this.extra) }
}

function post (headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: backendPort, method: 'POST', path: '/', headers, agent }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

// One DynamoDB call to dynalite; resolves with the answer, rejects with a DdbError.
async function call (op, data) {
  const body = JSON.stringify(data)
  const res = await post({
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': 'DynamoDB_20120810.' + op,
    'X-Amz-Date': '20200101T000000Z',
    Authorization: 'AWS4-HMAC-SHA256 Credential=tally/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    'Content-Length': Buffer.byteLength(body)
  }, body)
  const out = res.body.length ? JSON.parse(res.body.toString('utf8')) : {}
  if (res.status !== 200) {
    throw new DdbError(out.__type || 'InternalServerError', out.message || out.Message || 'error', res.status)
  }
  return out
}

async function keyNames (table) {
  if (!schemas.has(table)) {
    const t = (await call('DescribeTable', { TableName: table })).Table
    const hash = t.KeySchema.find(k => k.KeyType === 'HASH').AttributeName
    const range = t.KeySchema.find(k => k.KeyType === 'RANGE')
    schemas.set(table, range ? [hash, range.AttributeName] : [hash])
  }
  return schemas.get(table)
}

async function keyOf (table, item) {
  const key = {}
  for (const n of await keyNames(table)) {
    if (!item || !item[n]) throw new DdbError('ValidationException', 'One of the required keys was not given a value')
    key[n] = item[n]
  }
  return key
}

const isCondFail = e => e instanceof DdbError && e.type.endsWith('ConditionalCheckFailedException')
const expr = r => ({ ConditionExpression: r.ConditionExpression, ExpressionAttributeNames: r.ExpressionAttributeNames, ExpressionAttributeValues: r.ExpressionAttributeValues })

async function transactWrite (data) {
  const items = data.TransactItems
  if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
    throw new DdbError('ValidationException', 'TransactItems must hold 1 to 100 items')
  }
  const ops = []
  const seen = new Set()
  for (const ti of items) {
    const kind = ['Put', 'Update', 'Delete', 'ConditionCheck'].find(k => ti[k])
    if (!kind) throw new DdbError('ValidationException', 'each TransactItem needs Put, Update, Delete or ConditionCheck')
    const r = ti[kind]
    const key = await keyOf(r.TableName, kind === 'Put' ? r.Item : r.Key)
    const id = r.TableName + '\u0000' + JSON.stringify(key)
    if (seen.has(id)) throw new DdbError('ValidationException', 'Transaction request cannot include multiple operations on one item')
    seen.add(id)
    ops.push({ kind, r, key })
  }
  for (const op of ops) {
    op.old = (await call('GetItem', { TableName: op.r.TableName, Key: op.key, ConsistentRead: true })).Item
  }
  const reasons = []
  const units = {}
  let cancelled = false
  let fatal = null
  for (const op of ops) {
    const { kind, r, key, old } = op
    try {
      let res = {}
      const base = Object.assign({ TableName: r.TableName, ReturnConsumedCapacity: 'TOTAL' }, expr(r))
      if (kind === 'Put') res = await call('PutItem', Object.assign(base, { Item: r.Item }))
      else if (kind === 'Update') res = await call('UpdateItem', Object.assign(base, { Key: key, UpdateExpression: r.UpdateExpression }))
      else if (kind === 'Delete') res = await call('DeleteItem', Object.assign(base, { Key: key }))
      else {
        // ConditionCheck: write the item back unchanged under the condition (or a key-only
        // stand-in that is removed again); the mutex hides the stand-in from everyone.
        await call('PutItem', Object.assign(base, { Item: old || key }))
        if (!old) await call('DeleteItem', { TableName: r.TableName, Key: key })
      }
      op.applied = true
      if (res.ConsumedCapacity) units[r.TableName] = (units[r.TableName] || 0) + 2 * res.ConsumedCapacity.CapacityUnits
      reasons.push({ Code: 'None' })
    } catch (e) {
      if (!(e instanceof DdbError)) throw e
      cancelled = true
      if (isCondFail(e)) {
        const reason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
        if (r.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old) reason.Item = old
        reasons.push(reason)
      } else if (e.type.endsWith('ValidationException') && /size/i.test(e.message)) {
        reasons.push({ Code: 'ValidationError', Message: e.message })
      } else {
        fatal = fatal || e
        reasons.push({ Code: 'None' })
      }
    }
  }
  if (cancelled) {
    for (const op of ops) {
      if (!op.applied) continue
      if (op.old) await call('PutItem', { TableName: op.r.TableName, Item: op.old })
      else await call('DeleteItem', { TableName: op.r.TableName, Key: op.key })
    }
    if (fatal) throw fatal
    throw new DdbError('TransactionCanceledException',
      'Transaction cancelled, please refer cancellation reasons for specific reasons [' + reasons.map(x => x.Code).join(', ') + ']',
      400, { CancellationReasons: reasons })
  }
  const out = {}
  if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') {
    out.ConsumedCapacity = Object.keys(units).map(t => ({ TableName: t, CapacityUnits: units[t] }))
  }
  return out
}

async function transactGet (data) {
  const items = data.TransactItems || []
  const responses = []
  for (const ti of items) {
    const g = ti.Get
    const res = await call('GetItem', { TableName: g.TableName, Key: g.Key, ConsistentRead: true, ProjectionExpression: g.ProjectionExpression, ExpressionAttributeNames: g.ExpressionAttributeNames })
    responses.push(res.Item ? { Item: res.Item } : {})
  }
  return { Responses: responses }
}

async function updateTtl (data) {
  await call('DescribeTable', { TableName: data.TableName })
  const spec = data.TimeToLiveSpecification || {}
  const now = ttl[data.TableName]
  if (spec.Enabled && now) throw new DdbError('ValidationException', 'TimeToLive is already enabled')
  if (!spec.Enabled && !now) throw new DdbError('ValidationException', 'TimeToLive is already disabled')
  if (spec.Enabled) ttl[data.TableName] = spec.AttributeName
  else delete ttl[data.TableName]
  if (ttlFile) fs.writeFileSync(ttlFile, JSON.stringify(ttl))
  return { TimeToLiveSpecification: { Enabled: !!spec.Enabled, AttributeName: spec.AttributeName } }
}

async function describeTtl (data) {
  await call('DescribeTable', { TableName: data.TableName })
  const attr = ttl[data.TableName]
  return { TimeToLiveDescription: attr ? { TimeToLiveStatus: 'ENABLED', AttributeName: attr } : { TimeToLiveStatus: 'DISABLED' } }
}

const handlers = { TransactWriteItems: transactWrite, TransactGetItems: transactGet, UpdateTimeToLive: updateTtl, DescribeTimeToLive: describeTtl }
const SINGLE_WRITES = { PutItem: r => r.Item, UpdateItem: r => r.Key, DeleteItem: r => r.Key }

function send (res, status, headers, body) {
  const h = {}
  for (const [k, v] of Object.entries(headers)) {
    if (!['content-length', 'x-amz-crc32', 'connection', 'keep-alive', 'transfer-encoding'].includes(k.toLowerCase())) h[k.toLowerCase()] = v
  }
  h['content-length'] = body.length
  if (zlib.crc32) h['x-amz-crc32'] = String(zlib.crc32(body))
  res.writeHead(status, h)
  res.end(body)
}

async function handle (req, raw) {
  const op = String(req.headers['x-amz-target'] || '').split('.')[1]
  const json = { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'tally-' + Date.now() }
  let data = null
  if (handlers[op] || SINGLE_WRITES[op]) data = JSON.parse(raw.toString('utf8') || '{}')
  if (handlers[op]) {
    try {
      return { status: 200, headers: json, body: Buffer.from(JSON.stringify(await handlers[op](data))) }
    } catch (e) {
      if (!(e instanceof DdbError)) throw e
      return { status: e.status, headers: json, body: Buffer.from(JSON.stringify(e.body())) }
    }
  }
  const headers = Object.assign({}, req.headers)
  delete headers.host
  delete headers.connection
  const res = await post(headers, raw)
  if (op === 'CreateTable' || op === 'DeleteTable') schemas.clear()
  if (op === 'DeleteTable' && res.status === 200) {
    const name = JSON.parse(raw.toString('utf8')).TableName
    if (ttl[name]) {
      delete ttl[name]
      if (ttlFile) fs.writeFileSync(ttlFile, JSON.stringify(ttl))
    }
  }
  if (SINGLE_WRITES[op] && res.status === 400 && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
    const err = JSON.parse(res.body.toString('utf8'))
    if (String(err.__type).endsWith('ConditionalCheckFailedException')) {
      const old = (await call('GetItem', { TableName: data.TableName, Key: await keyOf(data.TableName, SINGLE_WRITES[op](data)), ConsistentRead: true })).Item
      if (old) err.Item = old
      return { status: 400, headers: res.headers, body: Buffer.from(JSON.stringify(err)) }
    }
  }
  return res
}

const proxy = http.createServer((req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    serialized(() => handle(req, Buffer.concat(chunks)))
      .then(r => send(res, r.status, r.headers, r.body))
      .catch(e => {
        console.error('dynalite-tx: ' + (e && e.stack ? e.stack : e))
        send(res, 500, { 'Content-Type': 'application/x-amz-json-1.0' }, Buffer.from(JSON.stringify({ __type: PREFIX + 'InternalServerError', message: String(e && e.message) })))
      })
  })
})
proxy.keepAliveTimeout = 60000

function shutdown () {
  proxy.close()
  backend.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 5000).unref()
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
if (args.parentWatch) {
  process.stdin.on('end', shutdown)
  process.stdin.on('close', shutdown)
  process.stdin.resume()
}

backend.listen(0, '127.0.0.1', () => {
  backendPort = backend.address().port
  proxy.listen(args.port, '127.0.0.1', () => console.log(String(proxy.address().port)))
})
