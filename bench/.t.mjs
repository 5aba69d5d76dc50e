const { openStore, migrateToLatest, MemoryRepository } = await import('../dist/store/index.js');
const { computeInsights, insightsFromTallies } = await import('../dist/domain/index.js');
const store = openStore('bench/.cache/reports-100000.db');
let t = performance.now();
console.log('migrated', await migrateToLatest(store), (performance.now() - t).toFixed(0), 'ms');
const repo = new MemoryRepository(store);
const viewer = { userId: process.argv[2] ?? 'nobody', principals: [] };
const today = new Date().toISOString().slice(0, 10);
for (const f of [{}, { kind: 'outage' }, { severity: 'SEV2' }, { from: '2023-01-01', to: '2023-12-31' }, {system: 'x'}]) {
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const a = insightsFromTallies(await repo.insightTallies(viewer, f, today));
    const t1 = performance.now() - t;
    let same = '';
    if (i === 0) { t = performance.now(); const b = computeInsights(await repo.insightRows(viewer, f), today); same = `old ${(performance.now()-t).toFixed(0)}ms equal=${JSON.stringify(a) === JSON.stringify(b)}`; }
    console.log(JSON.stringify(f), t1.toFixed(0), 'ms', a.reports, same);
  }
}
await store.close();
