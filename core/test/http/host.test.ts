import { describe, expect, it } from 'vitest';
import { createHostCheck, isLoopbackHost, parseHost } from '../../src/http/host.js';

describe('Host header checks', () => {
  it('parses names, ports and bracketed IPv6, and nothing else', () => {
    expect(parseHost('LocalHost:8081')).toEqual({ name: 'localhost', port: 8081 });
    expect(parseHost('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(parseHost('gw.example')).toEqual({ name: 'gw.example', port: null });
    for (const bad of ['', 'a b', 'http://x', 'x:0', 'x:70000', '::1', 'x:', 'evil.example/path', 'a@b']) expect(parseHost(bad), bad).toBeNull();
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'localhost.example', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('on a loopback listener with a port, accepts only loopback names with that port', () => {
    const check = createHostCheck({ bindHost: '127.0.0.1', port: 8081, allowedHosts: [] });
    expect(check.anyHost).toBe(false);
    for (const host of ['127.0.0.1:8081', 'localhost:8081', '[::1]:8081']) expect(check.allows(host), host).toBe(true);
    for (const host of ['evil.example', 'evil.example:8081', '127.0.0.1', 'localhost:8080', undefined, null, '']) expect(check.allows(host), String(host)).toBe(false);
  });

  it('without a port, accepts loopback names with any port or none, and listed names', () => {
    const check = createHostCheck({ bindHost: 'localhost', port: null, allowedHosts: ['gw.example', 'other.example:443'] });
    for (const host of ['localhost', '127.0.0.1:1', '[::1]', 'gw.example:8080', 'other.example:443']) expect(check.allows(host), host).toBe(true);
    for (const host of ['evil.example', 'other.example:444', 'other.example']) expect(check.allows(host), host).toBe(false);
  });

  it('on a non-loopback listener, accepts any Host until names are listed; then those, its own address and loopback names', () => {
    expect(createHostCheck({ bindHost: '0.0.0.0', port: 80, allowedHosts: [] })).toMatchObject({ anyHost: true });
    expect(createHostCheck({ bindHost: '0.0.0.0', port: 80, allowedHosts: [] }).allows('evil.example')).toBe(true);
    const check = createHostCheck({ bindHost: '10.0.0.5', port: 8081, allowedHosts: ['admin.example'] });
    expect(check.anyHost).toBe(false);
    for (const host of ['10.0.0.5:8081', 'admin.example:1234', 'localhost:8081']) expect(check.allows(host), host).toBe(true);
    for (const host of ['evil.example:8081', '10.0.0.5:9999', '0.0.0.0:8081']) expect(check.allows(host), host).toBe(false);
  });
});
