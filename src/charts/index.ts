export * from './charts.js';
export { chartTableHtml, type Chart, type ChartText } from './vega.js';
