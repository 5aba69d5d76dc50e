// PDF through Chromium (playwright-core drives the browser the machine has; nothing is downloaded). The page
// is the print version of the HTML export: a header with the title on each page, page numbers at the foot,
// and table rows never split across pages (the print stylesheet's break-inside: avoid).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
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

/** The error when there is no browser to print with: it names both ways to get one. */
export function noChromium(path: string): AppError {
  return new AppError(
    'unavailable',
    `PDF export needs Chromium, and there is none at ${path}: install it (apt-get install chromium) or set HINDSIGHT_CHROMIUM to its path`,
  );
}

/** Print a self-contained HTML page to PDF (A4). */
export async function renderPdf(html: string, options: PdfOptions): Promise<Buffer> {
  if (!existsSync(options.chromium)) throw noChromium(options.chromium);
  const timeout = options.timeoutMs ?? 60_000;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: options.chromium,
      timeout,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
  } catch (e) {
    throw new AppError(
      'unavailable',
      `Chromium at ${options.chromium} did not start (${(e as Error).message.split('\n')[0]}): check the installation (apt-get install chromium) or HINDSIGHT_CHROMIUM`,
    );
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.setContent(html, { waitUntil: 'load' });
    const small = 'font: 8px system-ui, sans-serif; color: #55606e; width: 100%; padding: 0 14mm;';
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small}">${escapeHtml(options.title)}</div>`,
      footerTemplate: `<div style="${small} text-align: right;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
      margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
    });
  } finally {
    await browser.close();
  }
}
