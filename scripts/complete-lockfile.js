#!/usr/bin/env node
// The package registry reachable here serves only the Linux builds of packages that ship one binary package
// per platform (@swc/core-*, @unrs/resolver-binding-*, ...). `npm install` then leaves the other platforms'
// optional packages out of package-lock.json, and `npm ci` refuses such a lock. This adds the missing
// entries as optional, platform-less records (what a lock made against the full registry holds, minus the
// integrity), so `npm ci` accepts the lock and skips them as optional installs. Run after `npm install`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const prefix = key === '' ? '' : `${key}/`;
    const nested = `${prefix}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    packages[hoisted] = { version, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: added ${added} optional platform entries`);
