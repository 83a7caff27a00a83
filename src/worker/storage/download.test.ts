import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_CAP_BYTES, UNKNOWN_SIZE_FILE_CAP } from '../../shared/consent.ts';
import { DownloadError, DownloadLog, DownloadPlan, NotPlannedError, createCheckedFetch, repoPath } from './download.ts';

const HOST = 'http://127.0.0.1:4174/models/fixtures/clip-colors/resolve/main';

describe('the checked fetch', () => {
  const fetched: { url: string; range: string | null }[] = [];
  beforeEach(() => {
    fetched.length = 0;
    vi.stubGlobal('self', { location: { origin: 'http://localhost:4173' } });
    vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
      const range = new Headers(init?.headers).get('Range');
      fetched.push({ url: input, range });
      const body = new Uint8Array(100);
      return range
        ? new Response(body.subarray(0, 1), { status: 206, headers: { 'content-range': 'bytes 0-0/100' } })
        : new Response(body, { headers: { 'content-length': '100' } });
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const checked = (plan: DownloadPlan) => createCheckedFetch(new AbortController().signal, new DownloadLog(), plan);

  it('downloads only config.json before the plan is made; size probes go through', async () => {
    const fetch = checked(new DownloadPlan());
    expect((await fetch(`${HOST}/config.json`)).status).toBe(200);
    expect((await fetch(`${HOST}/onnx/model.onnx`, { headers: { Range: 'bytes=0-0' } })).status).toBe(206);
    await expect(fetch(`${HOST}/tokenizer.json`)).rejects.toBeInstanceOf(NotPlannedError);
    expect(fetched.map((f) => f.url.split('/main/')[1])).toEqual(['config.json', 'onnx/model.onnx']);
  });

  it('refuses a file outside the plan, naming it, without asking the host', async () => {
    const plan = new DownloadPlan();
    plan.set([
      { file: 'config.json', size: 100, stored: false },
      { file: 'onnx/model.onnx', size: 100, stored: false },
    ]);
    const fetch = checked(plan);
    expect((await fetch(`${HOST}/onnx/model.onnx`)).status).toBe(200);
    const refused = fetch(`${HOST}/onnx/model.onnx_data`);
    await expect(refused).rejects.toThrow('onnx/model.onnx_data is not among the files shown before the download');
    expect(fetched.some((f) => f.url.endsWith('_data'))).toBe(false);
  });

  it('stops a file that is longer than planned', async () => {
    const plan = new DownloadPlan();
    plan.set([{ file: 'onnx/model.onnx', size: 60, stored: false }]);
    const fetch = checked(plan);
    await expect(fetch(`${HOST}/onnx/model.onnx`)).rejects.toBeInstanceOf(DownloadError);
  });

  it('stops config.json past 1 MB, and a file of unknown size past its cap, with a message', async () => {
    vi.stubGlobal('fetch', async (input: string) => {
      fetched.push({ url: input, range: null });
      // No content-length: the body is counted as it arrives.
      return new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(400_000)) }));
    });
    const config = checked(new DownloadPlan())(`${HOST}/config.json`).then((r) => r.arrayBuffer());
    await expect(config).rejects.toMatchObject({
      failure: { file: 'config.json', kind: 'capped', expected: CONFIG_CAP_BYTES },
    });
    // The person agreed to 1 MB in all; the host said no size for the graph.
    const plan = new DownloadPlan(1_000_000);
    plan.set([{ file: 'onnx/model.onnx', size: null, stored: false }]);
    expect(plan.allow('onnx/model.onnx')).toEqual({ limit: UNKNOWN_SIZE_FILE_CAP, capped: true });
    const graph = checked(plan)(`${HOST}/onnx/model.onnx`).then((r) => r.arrayBuffer());
    await expect(graph).rejects.toThrow(
      'onnx/model.onnx: the host sent more than 1.0 MB, the most this app accepts here.',
    );
  });

  it('asks nothing of a host the guard stops', async () => {
    const guard = () => {
      throw new Error('not agreed to');
    };
    const fetch = createCheckedFetch(new AbortController().signal, new DownloadLog(), new DownloadPlan(), guard);
    await expect(fetch(`${HOST}/config.json`)).rejects.toThrow('not agreed to');
    await expect(fetch(`${HOST}/onnx/model.onnx`, { headers: { Range: 'bytes=0-0' } })).rejects.toThrow();
    expect(fetched).toEqual([]);
  });

  it('reads a repository path from a URL, even with a malformed escape', () => {
    expect(repoPath(`${HOST}/onnx/model%20a.onnx`)).toBe('onnx/model a.onnx');
    expect(repoPath(`${HOST}/onnx/%E0%A4%A.onnx`)).toBe('onnx/%E0%A4%A.onnx');
  });
});
