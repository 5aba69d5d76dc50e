import Database from 'better-sqlite3';
const db = new Database('bench/.cache/reports-100000.db', { readonly: true });
for (const c of ['time_to_detect','time_to_respond','time_to_mitigate','time_to_resolve','days_to_publish'])
 console.log(c, db.prepare(`select count(distinct ${c}), min(${c}), max(${c}) from report_facts`).raw().get());
console.log(db.prepare(`select time_to_resolve, count(*) from report_facts group by 1 order by 2 desc limit 5`).raw().all());
