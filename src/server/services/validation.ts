import type { z } from 'zod';
import { AppError, type ErrorCode } from '../../domain/index.js';

/** Turn zod issues into an AppError whose details name each field. */
export function zodToAppError(
  error: z.ZodError,
  message: string,
  code: ErrorCode = 'invalid_report',
): AppError {
  const details = error.issues.slice(0, 100).flatMap((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    // Name each unknown field by its own path rather than pointing at the object that holds it.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({ path: [...path, k], message: 'is not a known field' }));
    return [{ path, message: i.message }];
  });
  const first = details[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return new AppError(code, `${message}: ${where}${first?.message ?? 'invalid'}`, details);
}

/** Parse with a zod schema, or throw an AppError naming every bad field. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  input: unknown,
  message: string,
  code?: ErrorCode,
): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw zodToAppError(r.error, message, code);
  return r.data;
}
