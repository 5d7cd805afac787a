import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, refuseWebhookUrl } from '../src/services/webhook-address-guard.ts';
import { postWebhook } from '../src/services/webhook-http.ts';

describe('webhook address guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.100.100.200', // Alibaba metadata (CGNAT range)
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe', // 169.254.169.254, IPv4-mapped
    '64:ff9b::a9fe:a9fe', // NAT64 of the metadata address
    'ff02::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it.each([
    'http://hooks.example.com/',
    'https://127.0.0.1/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://169.254.169.254/latest/meta-data',
    'https://2130706433/', // 127.0.0.1 as one number: URL normalises it
    'https://0x7f.1/',
    'https://localhost/',
    'https://api.localhost/',
    'https://metadata.google.internal/',
    'https://printer.local/',
    'https://intranet/',
    'https://user:pass@hooks.example.com/',
    'file:///etc/passwd',
  ])('refuses the URL %s without WEBHOOK_ALLOW_PRIVATE', (url) => {
    expect(refuseWebhookUrl(url, false)).not.toBeNull();
  });

  it('allows public https URLs, and http and loopback with WEBHOOK_ALLOW_PRIVATE', () => {
    expect(refuseWebhookUrl('https://hooks.example.com/closeloop', false)).toBeNull();
    expect(refuseWebhookUrl('https://93.184.215.14/', false)).toBeNull();
    expect(refuseWebhookUrl('http://127.0.0.1:8080/', true)).toBeNull();
    expect(refuseWebhookUrl('ftp://127.0.0.1/', true)).not.toBeNull();
  });
});

describe('webhook delivery over HTTP', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      hits++;
      if (request.url === '/slow') return; // never answers
      if (request.url === '/big') return response.writeHead(200).end('x'.repeat(100_000));
      response.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses at connect time a name that resolves to a loopback address', async () => {
    hits = 0;
    // "localhost" passes no IP-literal check; what it resolves to is checked while connecting.
    const result = await postWebhook(`https://localhost:${port}/`, {}, '{}', { allowPrivate: false });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/Refused: localhost resolves to (127\.0\.0\.1|::1)/);
    expect(hits).toBe(0);
  });

  it('refuses IP literals and http without WEBHOOK_ALLOW_PRIVATE', async () => {
    hits = 0;
    for (const url of [
      `https://127.0.0.1:${port}/`,
      `https://[::ffff:7f00:1]:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      const result = await postWebhook(url, {}, '{}', { allowPrivate: false });
      expect(result.ok, url).toBe(false);
      expect(result.error, url).toMatch(/^Refused/);
    }
    expect(hits).toBe(0);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const result = await postWebhook(`http://127.0.0.1:${port}/slow`, {}, '{}', {
      allowPrivate: true,
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(/No answer within/);
  });

  it('keeps the first kilobyte of a large answer', async () => {
    const result = await postWebhook(`http://127.0.0.1:${port}/big`, {}, '{}', { allowPrivate: true });
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.response).toHaveLength(1024);
  });
});
