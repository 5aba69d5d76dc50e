import type { AuditRepository } from '../../store/index.js';
import type { Actor } from './access.js';

/** Records every change and sign-in with who, what and from where. */
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(
    actor: Actor | null,
    action: string,
    target: { type: string; id: string } | null,
    details: Record<string, unknown> = {},
    ip: string | null = actor?.ip ?? null,
  ): Promise<void> {
    await this.repo.record({
      userId: actor?.user.id ?? null,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      details,
      ip,
    });
  }
}
