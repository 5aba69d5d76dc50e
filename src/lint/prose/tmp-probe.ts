import { lintSection } from '../../lint/engine.js';
import { emptyReport } from '../../domain/report.schema.js';
const r = emptyReport('outage', 'x');
r.involved = ['Omar Haddad', 'Dana Whitfield', 'Kim Larsen'];
for (const t of process.argv.slice(2)) {
  r.impact.operational = t;
  const f = lintSection(r, 'impact').filter((f) => f.path.join('.') === 'impact.operational').map((f) => f.ruleId);
  console.log(JSON.stringify(f), t);
}
