import type { z } from 'zod';
import {
  AppError,
  DEFAULT_INTERNAL_NETWORK,
  DEFAULT_SEVERITY_SCALE,
  rosterEntrySchema,
  settingsPatchSchema,
  settingsSchema,
  templateSchema,
  type Settings,
} from '../../domain/index.js';
import type { SettingsRepository } from '../../store/index.js';
import type { Actor } from './access.js';
import { requireRole } from './access.js';
import type { AuditService } from './audit.service.js';

// The schemas live in src/domain (settings.schema.ts), so the web app infers its types from them.
export { rosterEntrySchema, settingsPatchSchema, settingsSchema, templateSchema };
export type { Settings };

export const DEFAULT_SETTINGS: Settings = {
  severityScale: DEFAULT_SEVERITY_SCALE,
  requiredApprovals: 1,
  roster: [],
  templates: [],
  factorCategories: [],
  distribution: {},
  internalNetwork: DEFAULT_INTERNAL_NETWORK,
};

/** Reads and writes the organization's settings; only admins write. */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Run a step at most once across every instance on this database (first-run setup, say). */
  async once<T>(key: string, step: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.repo.claim(`once:${key}`, null))) return undefined;
    try {
      return await step();
    } catch (e) {
      await this.repo.release(`once:${key}`);
      throw e;
    }
  }

  async get(): Promise<Settings> {
    const stored = await this.repo.all();
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(settingsSchema.shape) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      // A value that no longer validates (say, after a schema change) falls back to the default.
      const parsed = settingsSchema.shape[key].safeParse(stored[key]);
      if (parsed.success) out[key] = parsed.data;
    }
    return out as Settings;
  }

  async update(actor: Actor, patch: z.output<typeof settingsPatchSchema>): Promise<Settings> {
    requireRole(actor, 'admin', 'changing settings');
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(values).length === 0) throw new AppError('bad_request', 'no settings to change');
    await this.repo.put(values, actor.user.id);
    await this.audit.record(
      actor,
      'settings.update',
      { type: 'settings', id: 'organization' },
      { keys: Object.keys(values) },
    );
    return this.get();
  }
}
