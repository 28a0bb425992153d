// The Action runs on node24: the test suite must run there too (the node@24 devDependency provides it).
const major = Number(process.versions.node.split('.')[0])
console.log(`Node ${process.versions.node}`)
if (major < 24) {
  console.error(
    'Tests must run on Node 24 or newer: run them through npm (node_modules/.bin/node is Node 24).'
  )
  process.exit(1)
}
