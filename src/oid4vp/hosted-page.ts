import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Oid4vpPublicView } from './oid4vp-service.js';

/** How often the hosted page asks for the request's status, milliseconds. */
export const STATUS_POLL_MS = 2_000;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The `openid4vp://` URI as an SVG QR code, rendered server-side (error correction M, 4-module quiet zone). */
export function qrSvg(requestUri: string): Promise<string> {
  return QRCode.toString(requestUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
}

export interface HostedPage {
  html: string;
  /** The Content-Security-Policy for this page (its inline script and style run by nonce only). */
  contentSecurityPolicy: string;
}

/**
 * The hosted page (docs/oid4vp.md): plain HTML with a little inline script and
 * no third-party assets. Cross-device: the QR code; same-device: an "Open in
 * wallet" link. The script polls the public, result-free status endpoint and
 * updates a live region; once decided it says so and (cross-device with a
 * redirectUri) goes there. Without script the page still shows the QR code
 * and the link.
 */
export async function renderHostedPage(id: string, view: Oid4vpPublicView): Promise<HostedPage> {
  const nonce = randomBytes(16).toString('base64');
  const svg = await qrSvg(view.requestUri);
  const sameDevice = view.flow === 'same_device';
  const statusUrl = `/oid4vp/${encodeURIComponent(id)}/status`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Share your credentials</title>
<style nonce="${nonce}">
  body { font-family: system-ui, sans-serif; margin: 0; background: #ffffff; color: #1a1a1a; }
  main { max-width: 28rem; margin: 2rem auto; padding: 0 1rem; text-align: center; }
  h1 { font-size: 1.5rem; }
  #qr svg { width: 18rem; height: 18rem; max-width: 100%; }
  .wallet-link { display: inline-block; margin: 1rem 0; padding: 0.75rem 1.5rem; background: #0b4f9c; color: #ffffff; border-radius: 0.375rem; text-decoration: none; font-weight: 600; }
  .wallet-link:focus { outline: 3px solid #f2b200; outline-offset: 2px; }
  #status { font-size: 1.1rem; margin-top: 1rem; }
  .hint { color: #444444; }
</style>
</head>
<body>
<main>
  <h1>Share your credentials</h1>
  ${
    sameDevice
      ? `<p class="hint">Open your wallet to share the requested credentials.</p>
  <a class="wallet-link" id="open-in-wallet" href="${escapeHtml(view.requestUri)}">Open in wallet</a>`
      : `<p class="hint">Scan this code with your wallet app.</p>
  <figure id="qr" role="img" aria-label="QR code to open the request in your wallet">${svg}</figure>
  <p class="hint">On this device? <a id="open-in-wallet" href="${escapeHtml(view.requestUri)}">Open in wallet</a></p>`
  }
  <p id="status" role="status" aria-live="polite" data-status="${escapeHtml(view.status)}">${escapeHtml(statusText(view.status))}</p>
</main>
<script nonce="${nonce}">
(function () {
  var texts = ${JSON.stringify(STATUS_TEXTS)};
  var el = document.getElementById('status');
  function show(status) { el.setAttribute('data-status', status); el.textContent = texts[status] || status; }
  function poll() {
    fetch(${JSON.stringify(statusUrl)}, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
      if (!s) { setTimeout(poll, ${STATUS_POLL_MS}); return; }
      show(s.status);
      if (s.status === 'pending' || s.status === 'fetched') { setTimeout(poll, ${STATUS_POLL_MS}); return; }
      if (s.redirectUri) { window.location.assign(s.redirectUri); }
    }).catch(function () { setTimeout(poll, ${STATUS_POLL_MS}); });
  }
  if (el.getAttribute('data-status') === 'pending' || el.getAttribute('data-status') === 'fetched') setTimeout(poll, ${STATUS_POLL_MS});
})();
</script>
</body>
</html>
`;
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}

const STATUS_TEXTS: Record<string, string> = {
  pending: 'Waiting for your wallet…',
  fetched: 'Your wallet has the request. Waiting for you to share…',
  verified: 'Done: your credentials were verified.',
  rejected: 'Your credentials were not accepted.',
  expired: 'This request has expired. Go back and start again.',
  cancelled: 'This request was cancelled.',
};

function statusText(status: string): string {
  return STATUS_TEXTS[status] ?? status;
}
