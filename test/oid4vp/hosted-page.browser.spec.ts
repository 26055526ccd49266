/**
 * The hosted page in a real headless Chromium (Debian's package, driven by
 * playwright-core with its executablePath — no browser download): the QR code
 * decodes (jsQR on a screenshot) to the request's openid4vp:// URI, the
 * status flips once a wallet (Openid4vpClient) answers, and the page goes to
 * redirectUri.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jsQRModule from 'jsqr';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const CHROMIUM = '/usr/bin/chromium';
/** Flags from the machine notes: no sandbox as root, and no background traffic to a closed network. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** jsqr is a UMD bundle: its module.exports is the function (the ESM default import), which its types call `default`. */
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const issuer = ed25519Identity();
const holder = p256Identity();

describe('hosted page in headless Chromium', () => {
  let kp: InProcessKparty;
  let rpKey: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
    // playwright gives the browser a new empty profile of its own (the --user-data-dir of the machine notes).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    kp = await startInProcessKparty();
    rpKey = await kp.relyingParty('acme');
    expect((await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: trustingPolicy('employee', issuer.did) })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await kp?.close();
  });

  it('cross-device: the QR decodes to requestUri, the status flips when the wallet answers, and the page goes to redirectUri', async () => {
    const redirectUri = `${kp.baseUrl}/healthz`;
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', redirectUri } });
    expect(created.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    const thirdParty: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(kp.baseUrl)) thirdParty.push(r.url());
    });
    await page.goto(created.body.pageUrl);
    expect(await page.title()).toBe('Share your credentials');
    expect(await page.getAttribute('#qr', 'aria-label')).toMatch(/QR code/);
    expect(await page.getAttribute('#status', 'role')).toBe('status');
    expect(await page.textContent('#status')).toMatch(/Waiting/);

    const shot = PNG.sync.read(await page.locator('#qr').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(decoded?.data).toBe(created.body.requestUri);

    const request = await resolveRequest(created.body.requestUri);
    // A locator, not waitForFunction: the page's CSP (no eval) refuses evaluated strings.
    await page.locator('#status[data-status="fetched"]').waitFor({ timeout: 10_000 });
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
    expect((await submitVpToken(request, { employee: [vp] })).status).toBe(200);
    await page.waitForURL(redirectUri, { timeout: 10_000 });
    expect(thirdParty).toEqual([]);
    await page.close();
  });

  it('same-device: an "Open in wallet" link to requestUri; a cancelled request says so', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', {
      key: rpKey,
      body: { policy: 'employee', flow: 'same_device', redirectUri: 'https://shop.example.com/done' },
    });
    const page = await browser.newPage();
    await page.goto(created.body.pageUrl);
    const link = page.getByRole('link', { name: 'Open in wallet' });
    expect(await link.getAttribute('href')).toBe(created.body.requestUri);
    expect(await page.locator('#qr').count()).toBe(0);
    expect((await kp.request('DELETE', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey })).status).toBe(204);
    await page.locator('#status[data-status="cancelled"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('#status')).toMatch(/cancelled/);
    await page.close();
  });

  it('qrUrl serves the same QR as SVG; the status endpoint is result-free', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee' } });
    const svg = await kp.request('GET', new URL(created.body.qrUrl).pathname);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.text).toMatch(/^<svg[^>]*viewBox/);
    const page = await browser.newPage({ viewport: { width: 600, height: 600 } });
    await page.setContent(`<html><body style="margin:0;background:#fff">${svg.text.replace('<svg', '<svg width="500" height="500"')}</body></html>`);
    const shot = PNG.sync.read(await page.screenshot());
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(created.body.requestUri);
    await page.close();
    const status = await kp.request('GET', `/oid4vp/${created.body.id}/status`);
    expect(Object.keys(status.body).sort()).toEqual(['expiresAt', 'status']);
  });
});
