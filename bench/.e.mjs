import Database from 'better-sqlite3';
const db = new Database('bench/.cache/reports-100000.db', { readonly: true });
const qs = [
 `select kind, quarter, detection, count(*) as n, sum(actions_total - actions_completed - actions_wont_do), sum(case when system_count = 0 then 1 else 0 end) from report_facts where public = 1 group by kind, quarter, detection`,
 `select review_round, count(*) from report_facts where public = 1 and published is not null group by review_round`,
 `select s.system, count(*) as n from report_systems s inner join report_facts f on f.report_id = s.report_id where f.public = 1 group by s.system`,
 `select a.deadline, count(*) as n from action_items a inner join report_facts f on f.report_id = a.report_id where a.status in ('open','in_progress','blocked') and a.deadline is not null and a.deadline <> '' and a.deadline < '2026-12-06' and f.public = 1 group by a.deadline`,
 `select quarter, b_resolve, count(*) from report_facts where public = 1 and time_to_resolve is not null and quarter is not null group by quarter, b_resolve`,
 `select severity, b_resolve, count(*) from report_facts where public = 1 and time_to_resolve is not null and 1 = 1 group by severity, b_resolve`,
 `select time_to_resolve from report_facts where public = 1 and time_to_resolve is not null and quarter = '2023-Q1' and b_resolve = 2300`,
 `select report_id from report_facts where public = 0`,
];
for (const q of qs) {
  console.log(db.prepare('explain query plan ' + q).all().map(r => r.detail).join(' | '));
  const t = performance.now(); const n = db.prepare(q).raw().all().length; console.log('  ', (performance.now()-t).toFixed(1), 'ms', n, 'rows');
}
console.log(db.prepare("select count(*), count(public), sum(public) from report_facts").raw().get());
console.log(db.prepare("select quarter, b_resolve, count(*) from report_facts where public=1 and time_to_resolve is not null and quarter='2023-Q1' group by 1,2 order by 3 desc limit 5").raw().all());
