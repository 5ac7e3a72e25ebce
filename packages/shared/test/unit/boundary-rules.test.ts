import { describe, expect, it } from 'vitest';
import { bindHost, httpTargetAllowed, isLoopbackHost, logPathRefusal, logRefTarget, mayHeldRetryGo, unsafeBindReason } from '../../src/index.js';

describe('mayHeldRetryGo (INCIDENT_MAX_HOLD_MS)', () => {
  const policy = { maxHoldMs: 900_000 };
  it('holds while the incident is open and younger than the max hold', () => {
    expect(mayHeldRetryGo({ openedAt: 1000 }, 1000, policy)).toBe(false);
    expect(mayHeldRetryGo({ openedAt: 1000 }, 900_999, policy)).toBe(false);
  });
  it('lets go at the max hold, once resolved, and without an incident', () => {
    expect(mayHeldRetryGo({ openedAt: 1000 }, 901_000, policy)).toBe(true);
    expect(mayHeldRetryGo({ openedAt: 1000, resolvedAt: 2000 }, 2000, policy)).toBe(true);
    expect(mayHeldRetryGo(undefined, 0, policy)).toBe(true);
  });
});

describe('httpTargetAllowed (HTTP_PROBE_ALLOW)', () => {
  const allow = ['127.0.0.1', '*.svc.cluster.local', 'localhost:8080', '[::1]'];
  const ok = (u: string) => httpTargetAllowed(new URL(u), allow);
  it('matches hosts on any port, host:port on that port only (default ports included), and names below a *. domain', () => {
    expect(ok('http://127.0.0.1:9/x')).toBe(true);
    expect(ok('http://localhost:8080/x')).toBe(true);
    expect(ok('http://localhost/x')).toBe(false);
    expect(ok('https://a.b.svc.cluster.local/x')).toBe(true);
    expect(ok('https://svc.cluster.local/x')).toBe(false);
    expect(ok('https://evilsvc.cluster.local/x')).toBe(false);
    expect(ok('http://[::1]:7000/')).toBe(true);
    expect(ok('http://169.254.169.254/')).toBe(false);
    expect(httpTargetAllowed(new URL('http://x:80/'), ['x:80'])).toBe(true);
    expect(httpTargetAllowed(new URL('https://x/'), ['x:443'])).toBe(true);
  });
});

describe('logPathRefusal (LOG_ROOTS)', () => {
  const roots = ['/var/log/sr'];
  it('allows a regular or not yet written file under a root', () => {
    expect(logPathRefusal({ requested: '/var/log/sr/a.log', real: '/var/log/sr/a.log', kind: 'file' }, roots)).toBeUndefined();
    expect(logPathRefusal({ requested: '/var/log/sr/b.log', real: '/var/log/sr/b.log', kind: 'missing' }, roots)).toBeUndefined();
  });
  it('refuses by the real path, the same words whether the file exists or not', () => {
    const a = logPathRefusal({ requested: '/var/log/sr/l', real: '/etc/passwd', kind: 'file' }, roots);
    const b = logPathRefusal({ requested: '/var/log/sr/l', real: '/etc/nothing', kind: 'missing' }, roots);
    expect(a).toBe(b);
    expect(a).toMatch(/not under LOG_ROOTS \(\/var\/log\/sr\)/);
    expect(logPathRefusal({ requested: '/var/log/srx', real: '/var/log/srx', kind: 'file' }, roots)).toMatch(/not under/);
  });
  it('never reads /proc, /sys or /dev, nor anything but a regular file', () => {
    expect(logPathRefusal({ requested: '/proc/1/environ', real: '/proc/1/environ', kind: 'file' }, ['/'])).toMatch(/under \/proc, which is never read/);
    expect(logPathRefusal({ requested: '/dev/sda', real: '/dev/sda', kind: 'device' }, ['/'])).toMatch(/under \/dev/);
    for (const kind of ['fifo', 'socket', 'directory', 'device'] as const) {
      expect(logPathRefusal({ requested: '/var/log/sr/x', real: '/var/log/sr/x', kind }, roots)).toMatch(new RegExp(`is a ${kind}, not a regular file`));
    }
  });
  it('tells file refs from the others', () => {
    expect(logRefTarget('/a/b.log')).toEqual({ kind: 'file', path: '/a/b.log' });
    expect(logRefTarget('file:///a/b%20c.log')).toEqual({ kind: 'file', path: '/a/b c.log' });
    expect(logRefTarget('file://host/a')).toMatchObject({ kind: 'invalid' });
    expect(logRefTarget('tmux:agent')).toEqual({ kind: 'not-a-file' });
    expect(logRefTarget('k8s:ns/pod')).toEqual({ kind: 'not-a-file' });
  });
});

describe('bind address (HOST)', () => {
  it('defaults to loopback without a token and every interface with one', () => {
    expect(bindHost({})).toBe('127.0.0.1');
    expect(bindHost({ API_TOKEN: 't' })).toBe('0.0.0.0');
    expect(bindHost({ HOST: '::1', API_TOKEN: 't' })).toBe('::1');
  });
  it('refuses off loopback without a token only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
    expect(unsafeBindReason('0.0.0.0', undefined)).toMatch(/HOST=0\.0\.0\.0 .*API_TOKEN is unset/);
    expect(unsafeBindReason('0.0.0.0', 'token')).toBeUndefined();
  });
});
