import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IngressError } from '../../src/errors.js';
import { UWS_CANDIDATES, loadUws } from '../../src/uws/load-uws.js';

describe('loadUws', () => {
  it('loads a real uWebSockets.js binding from one of the two packages', () => {
    const { name, uws } = loadUws();
    expect(UWS_CANDIDATES.map((c) => c.name)).toContain(name);
    expect(typeof uws.App).toBe('function');
    expect(loadUws().uws).toBe(uws);
  });

  it('fails naming both packages, their Node and glibc requirements and each error, with no fallback', () => {
    const failingRequire = Object.assign(
      (id: string): never => {
        throw new Error(`Cannot find module '${id}'`);
      },
      { resolve: (id: string): never => { throw new Error(`Cannot resolve '${id}'`); } },
    ) as unknown as NodeJS.Require;
    let error: unknown;
    try {
      loadUws(UWS_CANDIDATES.slice(), failingRequire);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IngressError);
    const { code, message, retriable } = error as IngressError;
    expect(code).toBe('SLUICE_INGRESS_UWS_UNAVAILABLE');
    expect(retriable).toBe(false);
    expect(message).toContain('@btc-vision/uwebsockets.js@20.57.0');
    expect(message).toContain('@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0');
    expect(message).toContain('glibc >= 2.38');
    expect(message).toContain('glibc >= 2.34');
    expect(message).toContain(`Node.js ${process.version}`);
    expect(message).toContain("Cannot find module '@btc-vision/uwebsockets.js'");
    expect(message).toContain("Cannot resolve '@trufflesuite/uws-js-unofficial/package.json'");
  });

  it('refuses a module that loads but is not a uWS binding', () => {
    const fake = [{ name: 'not-uws', requirement: 'nothing', load: () => ({ App: 'nope' }) }];
    expect(() => loadUws(fake)).toThrow(/not-uws \(needs nothing\): the module loaded but is not a uWebSockets.js binding/);
  });

  it('is the only module of the ingress that names a uWebSockets.js package', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const naming = files.filter((f) => /@btc-vision\/uwebsockets\.js|@trufflesuite\/uws-js-unofficial|uWebSockets\.js['"]/.test(readFileSync(join(src, f), 'utf8')));
    expect(naming.map((f) => relative(src, join(src, f)))).toEqual([join('uws', 'load-uws.ts')]);
  });
});
