import { buildIfNeeded } from '../scripts/build-if-needed.mjs';

export default function globalSetup() {
  // KPARTY_SKIP_BUILD=1: the developer has built dist/ already (or the tests run need no dist/).
  if (process.env.KPARTY_SKIP_BUILD === '1') return;
  buildIfNeeded();
}
