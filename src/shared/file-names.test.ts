import { describe, expect, it } from 'vitest';
import { cleanName, cleanPath, NAME_BYTES, NameRegister, nameKey, numberedName, utf8Bytes } from './file-names.ts';

describe('cleanName: reserved Windows names', () => {
  it.each([
    ['CON', 'CON_'],
    ['con', 'con_'],
    ['NUL', 'NUL_'],
    ['Prn', 'Prn_'],
    ['AUX', 'AUX_'],
    ['COM1', 'COM1_'],
    ['com9', 'com9_'],
    ['LPT1', 'LPT1_'],
    ['COM¹', 'COM¹_'],
    ['CONIN$', 'CONIN$_'],
    ['aux.txt', 'aux_.txt'],
    ['nul.tar.gz', 'nul_.tar.gz'],
    ['CON .jpg', 'CON_.jpg'],
    ['con.', 'con_'],
  ])('%s → %s', (name, expected) => {
    expect(cleanName(name)).toBe(expected);
  });

  it.each(['CONSOLE', 'COM10', 'auxiliary.txt', 'nullable', 'my con', 'LPT'])('leaves %s as it is', (name) => {
    expect(cleanName(name)).toBe(name);
  });
});

describe('cleanName: characters, dots and spaces', () => {
  it('replaces characters Windows refuses, controls and bidi overrides', () => {
    expect(cleanName('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(cleanName('tab\there\nline\u0000nul')).toBe('tab_here_line_nul');
    expect(cleanName('photo\u202Egpj.exe')).toBe('photo_gpj.exe');
  });

  it('drops trailing dots and spaces, and leading spaces', () => {
    expect(cleanName('cat.')).toBe('cat');
    expect(cleanName('cat. . ')).toBe('cat');
    expect(cleanName('  dog  ')).toBe('dog');
  });

  it('turns a leading dot into _ (no hidden folders)', () => {
    expect(cleanName('.hidden')).toBe('_hidden');
    expect(cleanName('...x.png')).toBe('_x.png');
  });

  it('never gives ., .., or an empty name', () => {
    for (const name of ['.', '..', '...', '', '   ', '. .', '\u0000']) {
      const cleaned = cleanName(name, 'none');
      expect(cleaned, JSON.stringify(name)).not.toMatch(/^\.*$/);
      expect(cleaned.length).toBeGreaterThan(0);
    }
    expect(cleanName('', 'no match')).toBe('no match');
    expect(cleanName('..')).toBe('_');
  });

  it('normalises to NFC (one name for é, however it was typed)', () => {
    expect(cleanName('cafe\u0301')).toBe('caf\u00e9');
  });
});

describe('cleanName: length in UTF-8 bytes', () => {
  it('caps a 120-character Chinese label (360 bytes) below 255 bytes, whole characters only', () => {
    const label = '猫'.repeat(120);
    expect(utf8Bytes(label)).toBe(360);
    const cleaned = cleanName(label);
    expect(utf8Bytes(cleaned)).toBeLessThanOrEqual(NAME_BYTES - 8);
    expect(cleaned).toMatch(/^猫+$/);
    expect(cleaned.length).toBe(Math.floor((NAME_BYTES - 8) / 3));
  });

  it('keeps the extension when it truncates', () => {
    const cleaned = cleanName(`${'é'.repeat(200)}.jpeg`);
    expect(cleaned.endsWith('.jpeg')).toBe(true);
    expect(utf8Bytes(cleaned)).toBeLessThanOrEqual(NAME_BYTES - 8);
  });

  it('does not split a character made of two UTF-16 units', () => {
    const cleaned = cleanName(`${'😀'.repeat(100)}.png`);
    expect(cleaned).toMatch(/^(😀)+\.png$/u);
  });

  it('leaves room for a number: a capped name numbered is still within 255 bytes', () => {
    const numbered = numberedName(cleanName(`${'猫'.repeat(120)}.png`), 99999);
    expect(utf8Bytes(numbered)).toBeLessThanOrEqual(NAME_BYTES);
    expect(numbered.endsWith(' (99999).png')).toBe(true);
  });

  it('treats a long tail after the last dot as part of the name, not an extension', () => {
    const cleaned = cleanName(`a.${'b'.repeat(300)}`);
    expect(utf8Bytes(cleaned)).toBe(NAME_BYTES - 8);
    expect(cleaned.startsWith('a.b')).toBe(true);
  });

  it('a name of spaces and dots that truncation exposes is trimmed again', () => {
    const cleaned = cleanName(`${'a'.repeat(240)}${' '.repeat(20)}b.png`);
    expect(cleaned).toBe(`${'a'.repeat(240)}.png`);
  });
});

describe('numberedName', () => {
  it('puts the number before the extension', () => {
    expect(numberedName('IMG_1.jpg', 2)).toBe('IMG_1 (2).jpg');
    expect(numberedName('notes', 3)).toBe('notes (3)');
    expect(numberedName('archive.tar.gz', 2)).toBe('archive.tar (2).gz');
  });
});

describe('nameKey and NameRegister: names meet case-folded and normalised', () => {
  it('folds case and Unicode forms', () => {
    expect(nameKey('IMG.JPG')).toBe(nameKey('img.jpg'));
    expect(nameKey('Cafe\u0301.png')).toBe(nameKey('café.PNG'));
  });

  it('numbers a name already taken in another case', () => {
    const names = new NameRegister();
    expect(names.claim('IMG.jpg')).toBe('IMG.jpg');
    expect(names.claim('img.JPG')).toBe('img (2).JPG');
    expect(names.claim('Img.jpg')).toBe('Img (3).jpg');
    expect(names.claim('other.jpg')).toBe('other.jpg');
  });

  it('numbers past a number that is itself taken', () => {
    const names = new NameRegister();
    names.claim('a (2).png');
    expect(names.claim('a.png')).toBe('a.png');
    expect(names.claim('a.png')).toBe('a (3).png');
  });
});

describe('cleanPath: no way out of the folder', () => {
  it('drops .. and . segments and cleans each segment', () => {
    expect(cleanPath('../../Startup/evil.png')).toEqual(['Startup', 'evil.png']);
    expect(cleanPath('..\\..\\Windows\\System32\\x.dll')).toEqual(['Windows', 'System32', 'x.dll']);
    expect(cleanPath('holiday/./day 2/IMG.jpg')).toEqual(['holiday', 'day 2', 'IMG.jpg']);
    expect(cleanPath('/etc/passwd')).toEqual(['etc', 'passwd']);
    expect(cleanPath('C:/x/CON.jpg')).toEqual(['C_', 'x', 'CON_.jpg']);
  });

  it('never returns an empty path or a segment that climbs', () => {
    expect(cleanPath('../..')).toEqual(['_']);
    expect(cleanPath('')).toEqual(['_']);
    for (const path of ['a/../../b', '.../x', '.. /x', '..%2F..%2Fx']) {
      for (const segment of cleanPath(path)) {
        expect(segment).not.toMatch(/^\.+$/);
        expect(segment).not.toMatch(/[/\\]/);
      }
    }
  });
});
