// Runs the README's DuckDB query on a dataset folder and checks it against manifest.json:
// the Parquet must be readable by a common engine, with the Hive partition as a column.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const out = process.argv[2];
const manifest = JSON.parse(readFileSync(`${out}/manifest.json`, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const rows = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson();

const bySource = await rows(
  `SELECT source, count(*) AS n FROM read_parquet('${out}/data/**/*.parquet') GROUP BY source ORDER BY source`);
const byPartition = await rows(
  `SELECT commercial_use, count(*) AS n FROM read_parquet('${out}/data/**/*.parquet', hive_partitioning=true) GROUP BY ALL`);
console.log('duckdb by source:', JSON.stringify(bySource), 'by partition:', JSON.stringify(byPartition));

const problems = [];
const total = bySource.reduce((s, r) => s + Number(r.n), 0);
if (total !== manifest.counts.samples) problems.push(`duckdb counts ${total} rows, manifest says ${manifest.counts.samples}`);
for (const r of bySource) {
  if (Number(r.n) !== manifest.samples_by_source[r.source]) problems.push(`source ${r.source}: ${r.n} vs manifest`);
}
if (!manifest.accounting.balanced) problems.push('manifest accounting is not balanced');

// The dataset card's DuckDB snippet, run as written from the dataset's folder: rows per license
// tag and verdict must match the manifest's license table.
const card = readFileSync(`${out}/README.md`, 'utf8');
const sql = card.match(/```sql\n([\s\S]*?)```/)[1];
process.chdir(out);
const byLicense = await rows(sql);
console.log('card query:', JSON.stringify(byLicense));
const expected = {};
for (const l of manifest.licenses) {
  const k = `${l.tag}/${l.commercial_use}`;
  expected[k] = (expected[k] || 0) + l.rows;
}
for (const r of byLicense) {
  const k = `${r.license_tag}/${r.commercial_use}`;
  if (Number(r.rows) !== expected[k]) problems.push(`card query: ${k} has ${r.rows} rows, manifest says ${expected[k]}`);
  delete expected[k];
}
if (Object.keys(expected).length) problems.push(`card query misses ${Object.keys(expected)}`);
if (problems.length) {
  console.error('dataset check failed:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log(`dataset check passed: ${total} rows in ${out}`);
