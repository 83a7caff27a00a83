import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, securityHeaders } from './csp.ts';

/** A policy as directive → sources (in order), failing on a directive given twice (browsers keep the first). */
function parse(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(directives.has(name), `${name} given twice`).toBe(false);
    directives.set(name, sources);
  }
  return directives;
}

const BUILT = parse(CONTENT_SECURITY_POLICY);
const DEV = parse(DEV_CONTENT_SECURITY_POLICY);

describe('the Content-Security-Policy of the built app', () => {
  it('runs only the app’s own scripts and workers, with WebAssembly but no eval and nothing inline', () => {
    expect(BUILT.get('default-src')).toEqual(["'self'"]);
    expect(BUILT.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(BUILT.get('worker-src')).toEqual(["'self'"]);
    expect(BUILT.get('style-src')).toEqual(["'self'"]);
    for (const [name, sources] of BUILT) {
      expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources, name).not.toContain("'unsafe-eval'");
    }
  });

  it('takes images only from the app, its blobs and data URLs, and connects over http(s) but no WebSocket', () => {
    expect(BUILT.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(BUILT.get('connect-src')).toEqual(["'self'", 'http:', 'https:', 'data:', 'blob:']);
  });

  it('allows no plugins, no <base>, and forms only to the app', () => {
    expect(BUILT.get('object-src')).toEqual(["'none'"]);
    expect(BUILT.get('base-uri')).toEqual(["'none'"]);
    expect(BUILT.get('form-action')).toEqual(["'self'"]);
  });

  it('names no wildcard source and no directive beyond these (a new one is a decision, made here)', () => {
    for (const [name, sources] of BUILT)
      expect(
        sources.some((source) => source.includes('*')),
        name,
      ).toBe(false);
    expect([...BUILT.keys()].sort()).toEqual(
      [
        'base-uri',
        'connect-src',
        'default-src',
        'form-action',
        'img-src',
        'object-src',
        'script-src',
        'style-src',
        'worker-src',
      ].sort(),
    );
  });
});

describe('the development policy', () => {
  it('adds only what hot reload needs: inline script and style, and WebSockets', () => {
    expect(DEV.get('script-src')).toEqual([...(BUILT.get('script-src') ?? []), "'unsafe-inline'"]);
    expect(DEV.get('style-src')).toEqual([...(BUILT.get('style-src') ?? []), "'unsafe-inline'"]);
    expect(DEV.get('connect-src')).toEqual([...(BUILT.get('connect-src') ?? []), 'ws:', 'wss:']);
    for (const [name, sources] of BUILT) {
      if (name === 'script-src' || name === 'style-src' || name === 'connect-src') continue;
      expect(DEV.get(name), name).toEqual(sources);
    }
    expect([...DEV.keys()].sort()).toEqual([...BUILT.keys()].sort());
  });
});

describe('the security headers', () => {
  it('carry the policy, forbid framing (which a meta tag cannot), sniffing and referrers', () => {
    const headers = securityHeaders();
    const policy = parse(headers['Content-Security-Policy']);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, sources] of BUILT) expect(policy.get(name), name).toEqual(sources);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    // The meta tag's policy cannot say frame-ancestors (browsers ignore it there): it is the header's alone.
    expect(BUILT.has('frame-ancestors')).toBe(false);
  });

  it('forbid framing in development too', () => {
    const policy = parse(securityHeaders(DEV_CONTENT_SECURITY_POLICY)['Content-Security-Policy']);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toContain("'unsafe-inline'");
  });
});
