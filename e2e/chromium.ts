/** Flags that work headless as root on this kind of machine, without reaching Google's hosts. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGPU through SwiftShader (a software adapter): `auto` still picks WASM, `?device=webgpu` forces it.
  '--enable-unsafe-webgpu',
  // A fake camera (a test pattern), allowed without a prompt, for the webcam snapshot test.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** Debian's Chromium (Playwright cannot download browsers here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
