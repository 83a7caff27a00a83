/**
 * Whether this build carries the hooks the tests need: `?simulate=` (WebGPU failures caused on
 * purpose) and the page's crash hook. On in the dev server and in builds made with
 * `VITE_TEST_HOOKS=1` (what `npm run test:e2e` builds); a plain `npm run build` leaves them out,
 * so a link cannot make the deployed app fail on purpose.
 */
export const TEST_HOOKS: boolean = import.meta.env.DEV || import.meta.env.VITE_TEST_HOOKS === '1';
