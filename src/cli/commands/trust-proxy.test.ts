import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from './serve.command.js';

describe('--trust-proxy', () => {
  it('is off by default, on alone or with 1/true, a hop count with a number, else a list of proxies', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy(true)).toBe(true);
    expect(parseTrustProxy('1')).toBe(true);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => parseTrustProxy('everyone')).toThrow(/a number of hops, or proxy addresses/);
  });
});
