import { describe, expect, it } from 'vitest';
import { EgressPolicy, parseEndpoint } from './child/egress-policy.js';

describe('egress policy', () => {
  const platform = new EgressPolicy({
    deny: ['127.0.0.1:5432', 'redis.internal:6379', '[::1]:3000'],
    localAddresses: ['10.1.2.3', 'fe80::1'],
  });

  it('always denies cloud metadata, by address or name, whatever the allowlist says', () => {
    const permissive = new EgressPolicy({ allow: ['169.254.169.254:80', 'metadata.google.internal:80'] });
    expect(permissive.check('169.254.169.254', '169.254.169.254', 80)).toMatch(/metadata/);
    expect(permissive.check('x', '::ffff:169.254.169.254', 80)).toMatch(/metadata/);
    expect(permissive.check('x', 'fd00:ec2::254', 80)).toMatch(/metadata/);
    expect(permissive.check('x', '100.100.100.200', 80)).toMatch(/metadata/);
    expect(permissive.checkName('metadata.google.internal')).toMatch(/metadata/);
    expect(permissive.checkName('METADATA.google.internal.')).toMatch(/metadata/);
  });

  it('denies the platform database on every spelling of a local address', () => {
    for (const address of [
      '127.0.0.1',
      '127.0.0.2',
      '0.0.0.0',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '10.1.2.3',
    ]) {
      expect(platform.check('somewhere', address, 5432), address).toMatch(/reserved for the platform/);
    }
    expect(platform.check('db.example.com', '203.0.113.5', 5432)).toBeNull();
    expect(platform.check('localhost', '127.0.0.1', 5433)).toBeNull();
  });

  it('denies deny-list names and their resolved addresses', () => {
    const policy = new EgressPolicy({ deny: ['redis.internal:6379'] });
    policy.addResolvedDenyAddresses(policy.deny[0]!, ['10.9.9.9']);
    expect(policy.check('redis.internal', '192.0.2.1', 6379)).toMatch(/reserved/);
    expect(policy.check('other.name', '10.9.9.9', 6379)).toMatch(/reserved/);
    expect(policy.check('other.name', '10.9.9.9', 6380)).toBeNull();
  });

  it('strict mode denies non-public ranges unless allowlisted by name or address', () => {
    const strict = new EgressPolicy({
      strict: true,
      allow: ['db.corp:5432', '10.0.0.7:3306', '[fd12::1]:*'],
    });
    for (const address of [
      '10.0.0.1',
      '172.16.5.5',
      '192.168.1.1',
      '127.0.0.1',
      '100.64.0.1',
      'fc00::1',
      'fe80::2',
      '64:ff9b::a00:1',
    ]) {
      expect(strict.check('x.example', address, 5432), address).toMatch(/private address/);
    }
    expect(strict.check('db.corp', '10.0.0.1', 5432)).toBeNull();
    expect(strict.check('db.corp', '10.0.0.1', 5433)).toMatch(/private/);
    expect(strict.check('10.0.0.7', '10.0.0.7', 3306)).toBeNull();
    expect(strict.check('whatever', '::ffff:10.0.0.7', 3306)).toBeNull();
    expect(strict.check('v6', 'fd12::1', 1234)).toBeNull();
    expect(strict.check('public.example', '93.184.216.34', 443)).toBeNull();
    expect(new EgressPolicy({}).check('x', '10.0.0.1', 5432)).toBeNull();
  });

  it('parses host:port entries and rejects malformed ones', () => {
    expect(parseEndpoint('DB.Example.com:5432')).toMatchObject({ host: 'db.example.com', port: 5432 });
    expect(parseEndpoint('[::1]:*')).toMatchObject({ host: '::1', port: '*' });
    for (const bad of ['db.example.com', '::1:5432', 'host:0', 'host:99999', 'a b:1']) {
      expect(() => parseEndpoint(bad), bad).toThrow(/host:port|invalid port/);
    }
  });
});
