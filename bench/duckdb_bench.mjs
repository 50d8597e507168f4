// DuckDB side of the benchmark (npm @duckdb/node-api): CSV load into a
// table, the cross tab S1 x M1, and the banner S1 x every other question,
// each as GROUP BY queries.  Prints 'name seconds' lines.
// usage: node duckdb_bench.mjs DATA.csv
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
const now = () => Number(process.hrtime.bigint()) / 1e9;
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const t0 = now();
await con.run(`CREATE TABLE d AS SELECT * FROM read_csv('${path.replace(/'/g, "''")}', header = true)`);
const t1 = now();
const ma = (q) => {
  const sums = Array.from({ length: 10 }, (_, i) => `sum(${q}_${i + 1})`).join(', ');
  return `SELECT S1, count(*) AS n, ${sums} FROM d GROUP BY S1 ORDER BY S1`;
};
await (await con.runAndReadAll(ma('M1'))).getRows();
const t2 = now();
for (let k = 2; k <= 20; k++)
  await (await con.runAndReadAll(`SELECT S1, S${k}, count(*) FROM d GROUP BY S1, S${k}`)).getRows();
for (let k = 1; k <= 10; k++)
  await (await con.runAndReadAll(ma(`M${k}`))).getRows();
const t3 = now();
console.log(`load ${(t1 - t0).toFixed(3)}`);
console.log(`crosstab ${(t2 - t1).toFixed(3)}`);
console.log(`banner ${(t3 - t2).toFixed(3)}`);
console.log(`csv_to_crosstab ${(t2 - t0).toFixed(3)}`);
