import { describe, expect, it } from 'vitest';
import { toCsv, toJson, type ExportSetup } from './export-results.ts';

const setup: ExportSetup = {
  model: 'Xenova/clip-vit-base-patch16',
  precision: 'q8',
  backend: 'WASM',
  template: 'a photo of a {}.',
  scoring: 'softmax (pick one)',
};

describe('export', () => {
  it('writes one CSV row per image and label, quoting what needs it and defusing formulas', () => {
    const csv = toCsv(
      [
        { file: 'a.png', label: 'salt, pepper', score: 0.75, rank: 1 },
        { file: '=cmd.png', label: 'say "hi"', score: 0.25, rank: 2 },
      ],
      setup,
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('file,label,score,rank,model,precision,backend,template,scoring');
    expect(lines[1]).toBe(
      'a.png,"salt, pepper",0.75,1,Xenova/clip-vit-base-patch16,q8,WASM,a photo of a {}.,softmax (pick one)',
    );
    expect(lines[2].startsWith(`'=cmd.png,"say ""hi""",0.25,2,`)).toBe(true);
  });

  it('defuses a field that starts with a tab or a carriage return too, not numbers', () => {
    const csv = toCsv(
      [
        { file: '\t=1+1.png', label: '\r=HYPERLINK("x")', score: -0.5, rank: 1 },
        { file: '+1.png', label: '@SUM(A1)', score: 0.5, rank: 2 },
      ],
      setup,
    );
    const [, first, second] = csv.split('\r\n');
    expect(first.startsWith(`'\t=1+1.png,"'\r=HYPERLINK(""x"")",-0.5,1,`)).toBe(true);
    expect(second.startsWith(`'+1.png,'@SUM(A1),0.5,2,`)).toBe(true);
  });

  it('says which files fit no label and which were corrected, in CSV and JSON', () => {
    const rows = [
      { file: 'a.png', label: 'owl', score: 0.6, rank: 1 },
      { file: 'b.png', label: 'owl', score: 0.5, rank: 1 },
    ];
    const verdicts = new Map([
      ['a.png', { label: null, corrected: null }],
      ['b.png', { label: 'fox', corrected: 'fox' }],
    ]);
    const lines = toCsv(rows, setup, verdicts).trimEnd().split('\r\n');
    expect(lines.slice(3).map((line) => line.split(',').slice(0, 2))).toEqual([
      ['a.png', 'no match'],
      ['b.png', 'corrected: fox'],
    ]);
    const data = JSON.parse(toJson(rows, setup, verdicts)) as {
      images: { file: string; match: boolean; label: string | null; corrected: string | null }[];
    };
    expect(data.images.map(({ file, match, label, corrected }) => [file, match, label, corrected])).toEqual([
      ['a.png', false, null, null],
      ['b.png', true, 'fox', 'fox'],
    ]);
  });

  it('defuses full-width ＝＋－＠ as it does the ASCII ones (spreadsheets read them as formulas too)', () => {
    const csv = toCsv(
      [
        { file: "＝cmd|' /C calc'!A0.png", label: '＋1', score: 0.5, rank: 1 },
        { file: '－2.png', label: '＠SUM(A1)', score: 0.5, rank: 2 },
      ],
      setup,
    );
    const [, first, second] = csv.split('\r\n');
    expect(first.startsWith(`'＝cmd|' /C calc'!A0.png,'＋1,0.5,1,`)).toBe(true);
    expect(second.startsWith(`'－2.png,'＠SUM(A1),0.5,2,`)).toBe(true);
    // Not a formula start: left as it is.
    expect(toCsv([{ file: 'a＝b.png', label: '猫', score: 1, rank: 1 }], setup).split('\r\n')[1]).toMatch(
      /^a＝b\.png,猫,/,
    );
  });

  it('defuses a formula behind a tab or a carriage return', () => {
    const lines = toCsv([{ file: '\t=1+1', label: '\r=2', score: 1, rank: 1 }], setup).split('\r\n');
    expect(lines[1].startsWith(`'\t=1+1,"'\r=2"`)).toBe(true);
  });

  it('groups JSON scores by image, with the setup', () => {
    const data = JSON.parse(
      toJson(
        [
          { file: 'a.png', label: 'owl', score: 0.9, rank: 1 },
          { file: 'a.png', label: 'fox', score: 0.1, rank: 2 },
        ],
        setup,
      ),
    ) as { model: string; images: { file: string; scores: { label: string }[] }[] };
    expect(data.model).toBe(setup.model);
    expect(data.images).toHaveLength(1);
    expect(data.images[0].scores.map((s) => s.label)).toEqual(['owl', 'fox']);
  });
});
