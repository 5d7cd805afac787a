/**
 * The export button's count ("Exported N responses") is the number of records, not of line
 * breaks: a CSV comment with line breaks is one quoted cell. Runs in Node, without a browser.
 */
import { describe, expect, it } from 'vitest';
import { RecordCounter } from '../../../packages/inbox/src/features/insights/exportResponses.ts';

const csv = [
  'id,score,comment\r\n',
  '1,9,"first line\nsecond line"\r\n',
  '2,3,"Windows\r\nline break, and ""quotes""\n"\r\n',
  `3,10,"'=formula"\r\n`,
  '4,7,Grüße 日本\r\n',
  '5,0,"""quoted""\n\n\n"\r\n',
].join('');
const ndjson = `${[
  { id: 1, comment: 'first line\nsecond line' },
  { id: 2, comment: 'a "quote" and\r\nbreak' },
  { id: 3, comment: null },
]
  .map((record) => JSON.stringify(record))
  .join('\n')}\n`;

function count(format: 'csv' | 'ndjson', text: string, cuts: number[]): number {
  const bytes = new TextEncoder().encode(text);
  const counter = new RecordCounter(format);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    counter.push(bytes.subarray(start, cut));
    start = cut;
  }
  return counter.records;
}

describe('RecordCounter', () => {
  it('counts CSV records, not line breaks inside quoted cells, however the bytes are cut', () => {
    const length = new TextEncoder().encode(csv).length;
    expect(csv.split('\n').length - 2).toBeGreaterThan(5); // more line feeds than records
    for (let cut = 0; cut <= length; cut++) expect(count('csv', csv, [cut])).toBe(5);
    expect(
      count(
        'csv',
        csv,
        Array.from({ length }, (_, i) => i),
      ),
    ).toBe(5);
  });

  it('counts NDJSON lines', () => {
    for (let cut = 0; cut <= ndjson.length; cut++) expect(count('ndjson', ndjson, [cut])).toBe(3);
  });

  it('does not count the CSV header, and counts nothing in an empty export', () => {
    expect(count('csv', 'id,score,comment\r\n', [])).toBe(0);
    expect(count('csv', '', [])).toBe(0);
    expect(count('ndjson', '', [])).toBe(0);
  });
});
