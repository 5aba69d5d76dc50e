// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

const key = (s: string) => s.trim().toLowerCase();

/**
 * Restricted reports used to be open to anyone whose e-mail or display name appeared among their members,
 * authors, reviewers or facilitator; display names are not unique, so an account made later with a member's
 * name could read the report. From now on only the `members` list grants access, and it names accounts by
 * e-mail or user id. Each restricted report (and each restricted past version) keeps the people who could
 * read it: a name that belongs to exactly one account becomes that account's e-mail; a name that belongs
 * to none or to several grants nothing any more and stays only if it was listed as a member.
 *
 * Failed sign-ins also get an `attempt` column, so one reserved attempt can be taken back on its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('attempt', 'text').execute();

  const users = (await db.selectFrom('users').select(['id', 'email', 'name']).execute()) as {
    id: string;
    email: string;
    name: string;
  }[];
  const byEmail = new Map(users.map((u) => [key(u.email), u.email]));
  const byId = new Map(users.map((u) => [key(u.id), u.email]));
  const byName = new Map<string, string[]>();
  for (const u of users) byName.set(key(u.name), [...(byName.get(key(u.name)) ?? []), u.email]);
  const resolve = (name: string): string | undefined => {
    const k = key(name);
    if (byEmail.has(k) || byId.has(k)) return name.trim();
    const named = byName.get(k);
    return named?.length === 1 ? named[0] : undefined;
  };
  const migrate = (content: string): string | undefined => {
    const report = JSON.parse(content) as Record<string, unknown>;
    if (report.visibility !== 'restricted') return undefined;
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const members = list(report.members);
    const others = [
      ...list(report.authors),
      ...list(report.reviewers),
      ...(typeof report.facilitator === 'string' ? [report.facilitator] : []),
    ];
    const out: string[] = [];
    const seen = new Set<string>();
    const add = (s: string) => {
      if (!seen.has(key(s))) {
        seen.add(key(s));
        out.push(s);
      }
    };
    for (const m of members) add(resolve(m) ?? m);
    for (const o of others) {
      const r = resolve(o);
      if (r) add(r);
    }
    if (out.length === members.length && out.every((m, i) => m === members[i])) return undefined;
    return JSON.stringify({ ...report, members: out });
  };

  const reports = (await db.selectFrom('reports').select(['id', 'content']).execute()) as {
    id: string;
    content: string;
  }[];
  for (const r of reports) {
    const next = migrate(r.content);
    const members = (JSON.parse(next ?? r.content) as { members?: unknown }).members;
    if (next) await db.updateTable('reports').set({ content: next }).where('id', '=', r.id).execute();
    await db.deleteFrom('report_members').where('report_id', '=', r.id).execute();
    const keys = [
      ...new Set((Array.isArray(members) ? members : []).filter((m) => typeof m === 'string').map(key)),
    ];
    if (keys.length > 0)
      await db
        .insertInto('report_members')
        .values(keys.map((principal) => ({ report_id: r.id, principal })))
        .execute();
  }

  const revisions = (await db
    .selectFrom('report_revisions')
    .select(['report_id', 'version', 'content'])
    .execute()) as { report_id: string; version: number; content: string }[];
  for (const r of revisions) {
    const next = migrate(r.content);
    if (next)
      await db
        .updateTable('report_revisions')
        .set({ content: next })
        .where('report_id', '=', r.report_id)
        .where('version', '=', r.version)
        .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').dropColumn('attempt').execute();
}
