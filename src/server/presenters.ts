import type { StoredReport, User } from '../store/index.js';

/** A report as the API returns it: bookkeeping around the model. */
export function presentReport(s: StoredReport) {
  return {
    id: s.id,
    number: s.seq,
    version: s.version,
    state: s.state,
    restricted: s.restricted,
    reviewRound: s.reviewRound,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt,
    report: s.report,
  };
}

/** An account as others may see it. */
export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
  };
}
