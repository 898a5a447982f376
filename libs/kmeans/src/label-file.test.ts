import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFileFormat, matchLabelsToImages, parseLabelsCsv, parseLabelsJsonl, parseLabelsNpy, type LabelFileContents } from './label-file.js';
import { encodeNpy } from './npy.js';
import { writePseudoLabels, writePseudoLabelsCsv } from './pseudo-labels.js';

const pairs = (contents: LabelFileContents) => contents.entries.map((e) => [e.path, e.label, e.line]);

describe('labelFileFormat', () => {
  it('tells the format by extension unless one is given', () => {
    expect(['a.csv', 'a.CSV', 'a.jsonl', 'runs/labels.ktpl', 'a.json', 'l.npy'].map((p) => labelFileFormat(p))).toEqual(['csv', 'csv', 'jsonl', 'jsonl', 'jsonl', 'npy']);
    expect(labelFileFormat('labels.txt', 'csv')).toBe('csv');
    expect(() => labelFileFormat('labels.txt')).toThrow(/^labels\.txt: cannot tell the format/);
  });
});

describe('parseLabelsCsv', () => {
  it('reads path,label lines with an optional header, quoted paths, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffpath,label\r\ncat/1.jpg,3\r\n\r\n"dog/a, b.jpg",0\n "say ""hi"".png" , 12\n./bird/x.png,7\n';
    expect(pairs(parseLabelsCsv(text, 'l.csv'))).toEqual([
      ['cat/1.jpg', 3, 2],
      ['dog/a, b.jpg', 0, 4],
      ['say "hi".png', 12, 5],
      ['bird/x.png', 7, 6],
    ]);
    expect(parseLabelsCsv('a.png,1', 'l.csv').k).toBeUndefined();
  });

  it.each([
    ['a.png,1\nb.png\n', 'l.csv:2: expected 2 fields (path,label), found 1'],
    ['a.png,1,2\n', 'l.csv:1: expected 2 fields (path,label), found 3'],
    ['a.png,1\nb.png,-1\n', 'l.csv:2: label "-1" is not a non-negative integer'],
    ['a.png,1\nb.png,cat\n', 'l.csv:2: label "cat" is not a non-negative integer'],
    ['a.png,1.5\n', 'l.csv:1: label "1.5" is not a non-negative integer'],
    ['a.png,100000\n', 'l.csv:1: label 100000 is too large'],
    ['"a.png,1\n', 'l.csv:1: a quoted field is not closed'],
    ['"a"b.png,1\n', 'l.csv:1: unexpected text after a quoted field'],
    ['a.png,1\n,2\n', 'l.csv:2: the image path is empty'],
    ['path,label\n\n', 'l.csv: no labels in the file'],
    ['path,label\npath,label\n', 'l.csv:2: label "label" is not a non-negative integer'],
  ])('refuses %j naming the line', (text, message) => {
    expect(() => parseLabelsCsv(text, 'l.csv')).toThrow(message);
  });
});

describe('parseLabelsJsonl', () => {
  it('reads {"path","label"} lines, and {"id"} lines under a ktlab header whose k it keeps', () => {
    expect(pairs(parseLabelsJsonl('{"path":"a.png","label":2}\n\n{"path":"./b.png","label":0,"score":1}\n', 'l.jsonl'))).toEqual([
      ['a.png', 2, 1],
      ['b.png', 0, 3],
    ]);
    const ktpl = parseLabelsJsonl('{"format":"ktlab.pseudo-labels","version":1,"k":9,"count":1}\n{"id":"a.png","label":8,"distance":0.5}\n', 'labels.ktpl');
    expect(ktpl).toEqual({ file: 'labels.ktpl', k: 9, entries: [{ path: 'a.png', label: 8, line: 2 }] });
  });

  it.each([
    ['{"path":"a.png","label":2}\n{"path":"b.png",\n', /^l\.jsonl:2: not JSON/],
    ['{"path":"a.png","label":-2}\n', /^l\.jsonl:1: .*label/],
    ['{"path":"a.png","label":"2"}\n', /^l\.jsonl:1: .*label/],
    ['{"label":2}\n', /^l\.jsonl:1: .*needs "path"/],
    ['[1,2]\n', /^l\.jsonl:1: /],
    ['{"format":"ktlab.pseudo-labels","k":2,"count":1}\n{"id":"a.png","label":2}\n', /^l\.jsonl:2: label 2 is outside \[0, 2\)/],
    ['{"format":"ktlab.pseudo-labels","k":2,"count":3}\n{"id":"a.png","label":1}\n', /^l\.jsonl: the header promises 3 labels, the file holds 1/],
    ['{"format":"other"}\n', /^l\.jsonl:1: not a ktlab pseudo-label header/],
  ])('refuses %j naming the line', (text, message) => {
    expect(() => parseLabelsJsonl(text, 'l.jsonl')).toThrow(message);
  });
});

describe('parseLabelsNpy', () => {
  const npy = (labels: number[]) => encodeNpy(Int32Array.from(labels), [labels.length]);

  it('pairs the int32 labels with the image list, line numbers from the list', () => {
    expect(pairs(parseLabelsNpy(npy([4, 0, 2]), 'l.npy', 'a.png\nb.png\n\nc.png\n', 'images.txt'))).toEqual([
      ['a.png', 4, 1],
      ['b.png', 0, 2],
      ['c.png', 2, 4],
    ]);
  });

  it('refuses a list of another length, a float array, a 2-d array, a negative label and a file that is not .npy', () => {
    expect(() => parseLabelsNpy(npy([1, 2]), 'l.npy', 'a.png\n', 'images.txt')).toThrow('images.txt: lists 1 images, l.npy holds 2 labels');
    expect(() => parseLabelsNpy(encodeNpy(Float32Array.of(1), [1]), 'l.npy', 'a.png', 'i.txt')).toThrow('l.npy: expected a 1-d int32 array of labels, found float32 of shape (1)');
    expect(() => parseLabelsNpy(encodeNpy(Int32Array.of(1, 2), [1, 2]), 'l.npy', 'a.png', 'i.txt')).toThrow(/l\.npy: expected a 1-d int32 array .* shape \(1, 2\)/);
    expect(() => parseLabelsNpy(npy([1, -3]), 'l.npy', 'a.png\nb.png', 'i.txt')).toThrow('l.npy: label -3 at index 1 (i.txt:2) is outside [0, 100000)');
    expect(() => parseLabelsNpy(new TextEncoder().encode('a.png,1'), 'l.npy', 'a.png', 'i.txt')).toThrow(/^l\.npy: not a readable \.npy file: .*astype\(np\.int32\)/);
  });
});

describe('matchLabelsToImages', () => {
  const known = new Set(['a.png', 'b.png', 'c.png', 'd.png', 'broken.jpg']);

  it('orders the labels as the run\'s images, counts the images without a label and the labels outside the run', () => {
    const contents = parseLabelsCsv('d.png,1\nb.png,5\na.png,0\nbroken.jpg,2\n', 'l.csv');
    const matched = matchLabelsToImages(contents, ['a.png', 'b.png', 'c.png'], known);
    expect(matchLabelsToImages(contents, ['c.png', 'b.png', 'd.png'], known)).toMatchObject({ ids: ['b.png', 'd.png'], indices: Int32Array.of(1, 2), labels: Int32Array.of(5, 1) });
    expect(matched).toEqual({ ids: ['a.png', 'b.png'], indices: Int32Array.of(0, 1), labels: Int32Array.of(0, 5), k: 6, unlabelled: 1, unlabelledSample: ['c.png'], outsideRun: 2 });
  });

  it('keeps the k a ktlab header states', () => {
    const contents = parseLabelsJsonl('{"format":"ktlab.pseudo-labels","k":50,"count":1}\n{"id":"a.png","label":1}\n', 'l.ktpl');
    expect(matchLabelsToImages(contents, ['a.png'], known).k).toBe(50);
  });

  it('refuses an unknown path and a path labelled twice, naming the line, and a file that labels none of the run', () => {
    expect(() => matchLabelsToImages(parseLabelsCsv('a.png,1\nzebra.png,1\nyak.png,2\n', 'l.csv'), ['a.png'], known)).toThrow(
      'l.csv:2: image "zebra.png" is not in the dataset; paths are relative to the dataset folder, e.g. "a.png" (1 more unknown path(s) after it)',
    );
    expect(() => matchLabelsToImages(parseLabelsCsv('a.png,1\nb.png,1\na.png,2\n', 'l.csv'), ['a.png'], known)).toThrow('l.csv:3: image "a.png" is labelled again (first at line 1)');
    expect(() => matchLabelsToImages(parseLabelsCsv('d.png,1\n', 'l.csv'), ['a.png', 'b.png'], known)).toThrow("l.csv: labels none of the run's 2 images");
  });
});

describe('writePseudoLabelsCsv', () => {
  it('writes path,label lines that parse back to the same labels, odd paths included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-labels-csv-'));
    const ids = ['cat/1.jpg', 'dog/a, b.jpg', 'say "hi".png', ' spaced.png'];
    const labels = Int32Array.of(3, 0, 12, 7);
    await writePseudoLabelsCsv(join(dir, 'labels.csv'), { ids, labels });
    const text = readFileSync(join(dir, 'labels.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('path,label');
    expect(parseLabelsCsv(text, 'labels.csv').entries.map((e) => [e.path, e.label])).toEqual(ids.map((id, i) => [id, labels[i]]));
    await writePseudoLabels(join(dir, 'labels.ktpl'), { k: 13, ids, labels });
    const ktpl = parseLabelsJsonl(readFileSync(join(dir, 'labels.ktpl'), 'utf8'), 'labels.ktpl');
    expect(ktpl.k).toBe(13);
    expect(ktpl.entries.map((e) => [e.path, e.label])).toEqual(ids.map((id, i) => [id, labels[i]]));
  });
});
