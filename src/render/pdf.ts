// PDF through Chromium (playwright-core drives the browser the machine has; nothing is downloaded). The page
// is the print version of the HTML export: a header with the title on each page, page numbers at the foot,
// and table rows never split across pages (the print stylesheet's break-inside: avoid).
//
// A server renders through one PdfRenderer: one browser shared by every request (a browser per request costs
// a second and ~100 MB each), at most `concurrency` pages at a time, at most `queue` requests waiting, and
// the rest refused at once with 503 and Retry-After rather than piling up. A render that takes longer than
// its timeout is abandoned; a browser that dies is started again for the next render; close() ends it.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { AppError } from '../domain/index.js';
import { escapeHtml } from './escape.js';

export interface PdfOptions {
  /** The Chromium executable (configuration: HINDSIGHT_CHROMIUM, else /usr/bin/chromium). */
  chromium: string;
  /** The header line of each page. */
  title: string;
  /** Longest the browser may take, in milliseconds. */
  timeoutMs?: number;
}

export interface PdfRendererOptions {
  /** The Chromium executable. */
  chromium: string;
  /** Renders at the same time (default 2). */
  concurrency?: number;
  /** Renders that may wait for a turn; more are refused with 503 (default 8). */
  queue?: number;
  /** Longest one render may take, waiting excluded, in milliseconds (default 60 s). */
  timeoutMs?: number;
}

/** The error when there is no browser to print with: it names both ways to get one. */
export function noChromium(path: string): AppError {
  return new AppError(
    'unavailable',
    `PDF export needs Chromium, and there is none at ${path}: install it (apt-get install chromium) or set HINDSIGHT_CHROMIUM to its path`,
  );
}

const gone = () => new AppError('unavailable', 'the request was abandoned by its client before its turn');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

/** One shared browser, a bounded number of renders at a time and a bounded queue. */
export class PdfRenderer {
  private browser: Promise<Browser> | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Waiting renders dropped because their client went away before their turn. */
  dropped = 0;
  /** Pages printed so far. */
  printed = 0;
  private closed = false;
  /** Browsers started so far (the first and each restart after a crash). */
  launches = 0;
  /** The most renders that ran at once. */
  peak = 0;
  readonly concurrency: number;
  readonly queue: number;
  readonly timeoutMs: number;

  constructor(private readonly options: PdfRendererOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.queue = Math.max(0, options.queue ?? 8);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Renders running and waiting now. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * Print a self-contained HTML page to PDF (A4), waiting for a turn; 503 when too many wait already. A
   * render whose `signal` aborts (its client went away) leaves the queue at once and is never printed.
   */
  async render(html: string, title: string, signal?: AbortSignal): Promise<Buffer> {
    if (this.closed) throw new AppError('unavailable', 'the server is shutting down; try again shortly');
    if (!existsSync(this.options.chromium)) throw noChromium(this.options.chromium);
    if (signal?.aborted) throw gone();
    await this.turn(signal);
    try {
      if (signal?.aborted) {
        this.dropped += 1;
        throw gone();
      }
      const pdf = await this.withTimeout(html, title);
      this.printed += 1;
      return pdf;
    } finally {
      this.release();
    }
  }

  /** Close the browser; renders that still wait are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
  }

  private turn(signal?: AbortSignal): Promise<void> {
    if (this.active < this.concurrency) {
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    if (this.waiting.length >= this.queue) {
      // A render takes a few seconds; by then a place is likely free.
      const retryAfter = Math.max(1, Math.ceil(((this.waiting.length + 1) / this.concurrency) * 5));
      return Promise.reject(
        new AppError(
          'unavailable',
          `the server is rendering ${this.active} PDFs and ${this.waiting.length} more are waiting; try again in ${retryAfter} s`,
          [{ path: ['format'], message: 'PDF rendering is busy' }],
          { retryAfter },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', leave);
        if (this.closed)
          reject(new AppError('unavailable', 'the server is shutting down; try again shortly'));
        else resolve();
      };
      // The client went away while waiting: its place in the queue goes to nobody, no page is printed.
      const leave = () => {
        const at = this.waiting.indexOf(wake);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        this.dropped += 1;
        reject(gone());
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(wake);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next in line, so `active` never drops below what is running.
    if (next) next();
    else this.active -= 1;
  }

  private async withTimeout(html: string, title: string): Promise<Buffer> {
    const browser = await this.launch();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new AppError(
              'unavailable',
              `the PDF took longer than ${Math.round(this.timeoutMs / 1000)} s to render and was abandoned; try a shorter version (audience=executive) or the HTML export`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([print(context, html, title, this.timeoutMs), timedOut]);
    } catch (e) {
      if (e instanceof AppError) throw e;
      // The browser died under the page: the next render starts another.
      if (!browser.isConnected()) {
        throw new AppError('unavailable', 'the PDF renderer stopped while printing; try again');
      }
      throw e;
    } finally {
      clearTimeout(timer);
      // A wedged browser may not even close a context: give it a few seconds, then start a new one.
      const closed = await Promise.race([
        context.close().then(
          () => true,
          () => true,
        ),
        new Promise<false>((r) => setTimeout(() => r(false), 5000).unref()),
      ]);
      if (!closed && this.browser) {
        const stuck = this.browser;
        this.browser = undefined;
        void stuck.then((b) => b.close()).catch(() => undefined);
      }
    }
  }

  /** The shared browser, started on first use and again after it crashed or was closed. */
  private launch(): Promise<Browser> {
    if (this.browser) return this.browser;
    this.launches += 1;
    // playwright-core is loaded on the first PDF, not when the server starts: most starts never print one.
    const starting = import('playwright-core')
      .then(({ chromium }) =>
        chromium.launch({
          executablePath: this.options.chromium,
          timeout: Math.max(this.timeoutMs, 30_000),
          args: ARGS,
        }),
      )
      .then((b) => {
        b.on('disconnected', () => {
          if (this.browser === starting) this.browser = undefined;
        });
        return b;
      })
      .catch((e: unknown) => {
        if (this.browser === starting) this.browser = undefined;
        throw new AppError(
          'unavailable',
          `Chromium at ${this.options.chromium} did not start (${(e as Error).message.split('\n')[0]}): check the installation (apt-get install chromium) or HINDSIGHT_CHROMIUM`,
        );
      });
    this.browser = starting;
    return starting;
  }
}

async function print(
  context: Awaited<ReturnType<Browser['newContext']>>,
  html: string,
  title: string,
  timeout: number,
): Promise<Buffer> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  await page.setContent(html, { waitUntil: 'load' });
  const small = 'font: 8px system-ui, sans-serif; color: #55606e; width: 100%; padding: 0 14mm;';
  return page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: `<div style="${small}">${escapeHtml(title)}</div>`,
    footerTemplate: `<div style="${small} text-align: right;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
    margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
  });
}

/** Print one page with a browser of its own, closed after (the CLI's one-off render). */
export async function renderPdf(html: string, options: PdfOptions): Promise<Buffer> {
  const renderer = new PdfRenderer({
    chromium: options.chromium,
    concurrency: 1,
    queue: 0,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    return await renderer.render(html, options.title);
  } finally {
    await renderer.close();
  }
}
