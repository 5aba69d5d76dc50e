const { openStore, MemoryRepository } = await import('../dist/store/index.js');
const store = openStore('bench/.cache/reports-100000.db');
const raw = store.rawRows; const log = [];
store.rawRows = (t, p) => { const s = performance.now(); const r = raw(t, p); log.push([(performance.now()-s), t.replace(/\s+/g,' ').slice(0,90), r.length]); return r; };
const repo = new MemoryRepository(store);
const viewer = { userId: 'nobody', principals: [] };
for (const f of [{}, { kind: 'outage' }]) for (let i=0;i<2;i++) {
  log.length = 0; let t = performance.now();
  await repo.insightTallies(viewer, f, '2026-12-06');
  const total = performance.now()-t; const sq = log.reduce((a,b)=>a+b[0],0);
  console.log(JSON.stringify(f), 'total', total.toFixed(0), 'sql', sq.toFixed(0), 'queries', log.length);
  if (i==1) for (const l of log.sort((a,b)=>b[0]-a[0]).slice(0,8)) console.log('  ', l[0].toFixed(1), l[2], l[1]);
}
t = performance.now(); await repo.insightRows(viewer, {}, { privateOnly: true }); console.log('private rows', (performance.now()-t).toFixed(0));
