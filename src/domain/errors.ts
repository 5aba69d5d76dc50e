/** Every failure Hindsight reports on purpose; each code has one HTTP status and one CLI exit code. */
export const ERROR_CODES = {
  bad_request: { status: 400, exit: 2 },
  invalid_report: { status: 422, exit: 1 },
  unauthorized: { status: 401, exit: 2 },
  forbidden: { status: 403, exit: 2 },
  not_found: { status: 404, exit: 2 },
  conflict: { status: 409, exit: 2 },
  too_large: { status: 413, exit: 2 },
  unsupported: { status: 415, exit: 2 },
  rate_limited: { status: 429, exit: 2 },
  io: { status: 400, exit: 2 },
  /** Something the server needs is not installed or not running (e.g. no Chromium for PDF). */
  unavailable: { status: 503, exit: 2 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A located detail of an error: where in the input (a model path, or file:line:col) and what is wrong. */
export interface ErrorDetail {
  path?: (string | number)[];
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

/** An expected failure with a code, a message that says what and where, and optional details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** Seconds after which trying again may work (sent as Retry-After with a 503 or 429). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetail[] = [],
    options: { retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  /** The JSON body an HTTP client receives. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetail[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True for an AppError, including one from another copy of this module. */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (e instanceof Error && e.name === 'AppError' && 'code' in e);
}

/** The conflict of a write sent against an old version of a report: 409, naming the current version. */
export function staleVersion(id: string, sent: number, current: number): AppError {
  return new AppError(
    'conflict',
    `report ${id} was changed by someone else: you sent version ${sent}, the current version is ${current}`,
    [{ path: ['version'], message: `current version is ${current}` }],
  );
}
