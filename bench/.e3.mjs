const { openStore, MemoryRepository } = await import('../dist/store/index.js');
const store = openStore('bench/.cache/reports-100000.db');
const repo = new MemoryRepository(store);
for (let i=0;i<3;i++){ const t=performance.now(); const r = await repo.insightRows({userId:'x',principals:[]}, {system:'davban'}); console.log(r.length, (performance.now()-t).toFixed(0)); }
