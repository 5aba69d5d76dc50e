import { isDeepStrictEqual } from 'node:util';
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
import {
  SCORE_BASIS_KEYS,
  startForgettingScores,
  type SettingsRepository,
  type Store,
} from '../../store/index.js';
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
  private readonly basisListeners: (() => void)[] = [];

  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditService,
    private readonly store: Store,
  ) {}

  /**
   * Called after a change of the settings the quality score depends on, once the stored scores are marked to be
   * emptied (the server listens: it empties them in the background, resumeForgetScores, then has its scorer
   * score every report again).
   */
  onScoreBasisChanged(listener: () => void): void {
    this.basisListeners.push(listener);
  }

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
    const before = SCORE_BASIS_KEYS.some((k) => k in values) ? await this.get() : undefined;
    await this.repo.put(values, actor.user.id);
    await this.audit.record(
      actor,
      'settings.update',
      { type: 'settings', id: 'organization' },
      { keys: Object.keys(values) },
    );
    const after = await this.get();
    // Scores stored under the old scale or network are no longer the editor's: marked to be emptied after the
    // settings are written, so that one linted under the old ones and written meanwhile is emptied too (one
    // written later is refused by writeScore, which compares the stored settings with those it was linted under).
    if (before && SCORE_BASIS_KEYS.some((k) => !isDeepStrictEqual(before[k], after[k]))) {
      await startForgettingScores(this.store);
      for (const listener of this.basisListeners) listener();
    }
    return after;
  }
}
