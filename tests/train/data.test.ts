import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_PATH, FEATURE_NAMES, countClasses, loadPenguins, parsePenguinsCsv } from '../../src/train/data.js';
import { InputError } from '../../src/errors.js';

const HEADER = 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year';
const canonical = await readFile(DEFAULT_DATA_PATH);

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('loadPenguins on the canonical file', () => {
  it('reads 344 rows, drops the 11 with NA and keeps 333', async () => {
    const data = await loadPenguins();
    expect(data.rowsTotal).toBe(344);
    expect(data.rowsUsed).toBe(333);
    expect(data.rowsDropped).toBe(11);
    expect(data.droppedRowIndices).toEqual([3, 8, 9, 10, 11, 47, 178, 218, 256, 268, 271]);
    expect(data.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(countClasses(data.y, data.classes)).toEqual({ Adelie: 146, Chinstrap: 68, Gentoo: 119 });
    expect(data.ignoredColumns).toEqual([]);
  });

  it('records the sha256 of the file bytes', async () => {
    const data = await loadPenguins();
    expect(data.sha256).toBe('f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93');
    expect(data.source).toBe(DEFAULT_DATA_PATH);
  });

  it('builds the 8 features of get_dummies(drop_first=True) in pandas order', async () => {
    const data = await loadPenguins();
    expect(data.featureNames).toEqual([
      'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year',
      'island_Dream', 'island_Torgersen', 'sex_male',
    ]);
    expect(FEATURE_NAMES).toEqual(data.featureNames);
    const row = (fileRow: number) => data.X[data.rowIndices.indexOf(fileRow)];
    // Row 0: Adelie, Torgersen, 39.1, 18.7, 181, 3750, male, 2007.
    expect(row(0)).toEqual([39.1, 18.7, 181, 3750, 2007, 0, 1, 1]);
    // Row 1: Adelie, Torgersen, female.
    expect(row(1)).toEqual([39.5, 17.4, 186, 3800, 2007, 0, 1, 0]);
    // Row 330, the recipe's single error: Chinstrap, Dream, 42.5 / 17.3 / 187 / 3350, female, 2009.
    expect(row(330)).toEqual([42.5, 17.3, 187, 3350, 2009, 1, 0, 0]);
    expect(data.y[data.rowIndices.indexOf(330)]).toBe('Chinstrap');
    // A Biscoe Gentoo: both island dummies are 0.
    const gentoo = data.rowIndices.indexOf(152);
    expect(data.y[gentoo]).toBe('Gentoo');
    expect(data.X[gentoo]!.slice(5, 7)).toEqual([0, 0]);
  });

  it('reads the same data from a copy with a BOM and CRLF line ends', async () => {
    const data = await loadPenguins();
    const windows = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(canonical.toString('utf8').replace(/\n/g, '\r\n'))]);
    const dir = await mkdtemp(join(tmpdir(), 'mct-data-'));
    const path = join(dir, 'penguins-windows.csv');
    await writeFile(path, windows);
    const converted = await loadPenguins(path);
    expect(converted.X).toEqual(data.X);
    expect(converted.y).toEqual(data.y);
    expect(converted.rowIndices).toEqual(data.rowIndices);
    expect(converted.sha256).not.toBe(data.sha256);
  });
});

describe('parsePenguinsCsv', () => {
  it('accepts columns in another order, ignores extra columns and skips blank lines', () => {
    const data = parsePenguinsCsv(
      'year,sex,note,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\n' +
        '2008,female,x,Gentoo,Biscoe,46.1,13.2,211,4500\n\n' +
        '2009,male,,Chinstrap,Dream,50.0,19.5,196,3900\n',
      'reordered.csv',
    );
    expect(data.X).toEqual([
      [46.1, 13.2, 211, 4500, 2008, 0, 0, 0],
      [50, 19.5, 196, 3900, 2009, 1, 0, 1],
    ]);
    expect(data.ignoredColumns).toEqual(['note']);
    expect(data.rowsTotal).toBe(2);
  });

  it('drops rows with any of pandas\' missing markers and counts them', () => {
    const data = parsePenguinsCsv(
      csv(
        'Adelie,Dream,39.5,16.7,178,3250,female,2007',
        'Adelie,Dream,NaN,16.7,178,3250,female,2007',
        'Adelie,Dream,39.5,,178,3250,female,2007',
        'Gentoo,Biscoe,46.1,13.2,211,4500,N/A,2008',
        'Gentoo,Biscoe,46.1,13.2,211,4500,male,null',
        'Gentoo,Biscoe,46.1,13.2,211,4500,male,2008',
      ),
      'markers.csv',
    );
    expect(data.rowsDropped).toBe(4);
    expect(data.droppedRowIndices).toEqual([1, 2, 3, 4]);
    expect(data.rowIndices).toEqual([0, 5]);
  });

  it('rejects a missing column, naming it', () => {
    const error = inputError(() => parsePenguinsCsv('species,island,bill_length_mm\nAdelie,Dream,1\n', 'short.csv'));
    expect(error.location).toBe('short.csv, line 1 (header), column "bill_depth_mm"');
    expect(error.oneLine).toMatch(/no column "bill_depth_mm"/);
  });

  it('rejects a non-numeric value, naming row, line and column', () => {
    const error = inputError(() =>
      parsePenguinsCsv(csv('Adelie,Dream,39.5,16.7,178,3250,female,2007', 'Adelie,Dream,39.5,16.7,178,heavy,female,2007'), 'bad.csv'),
    );
    expect(error.location).toBe('bad.csv, row 2 (line 3), column "body_mass_g"');
    expect(error.oneLine).toMatch(/"heavy" is not a number/);
  });

  it('counts lines across blank lines and CRLF when locating an error', () => {
    const text = [HEADER, '', 'Adelie,Dream,39.5,16.7,178,3250,female,2007', '', 'Adelie,Dream,39.5,16.7,178,3250,female,1e'].join('\r\n');
    expect(inputError(() => parsePenguinsCsv(text, 'gaps.csv')).location).toBe('gaps.csv, row 2 (line 5), column "year"');
  });

  it('rejects an unknown category with the allowed values', () => {
    const island = inputError(() => parsePenguinsCsv(csv('Adelie,Atlantis,39.5,16.7,178,3250,female,2007'), 'i.csv'));
    expect(island.location).toBe('i.csv, row 1 (line 2), column "island"');
    expect(island.oneLine).toMatch(/unknown value "Atlantis" — expected one of Biscoe, Dream, Torgersen/);
    const sex = inputError(() => parsePenguinsCsv(csv('Adelie,Dream,39.5,16.7,178,3250,MALE,2007'), 's.csv'));
    expect(sex.location).toBe('s.csv, row 1 (line 2), column "sex"');
    const species = inputError(() => parsePenguinsCsv(csv('Emperor,Dream,39.5,16.7,178,3250,male,2007'), 'p.csv'));
    expect(species.location).toBe('p.csv, row 1 (line 2), column "species"');
  });

  it('rejects an unterminated quote, naming the line where it opens', () => {
    const error = inputError(() => parsePenguinsCsv(csv('Adelie,Dream,39.5,16.7,178,3250,female,2007', 'Adelie,"Dream,39.5,16.7,178,3250,female,2007'), 'quote.csv'));
    expect(error.oneLine).toMatch(/^quote\.csv, line 3: malformed CSV: a quoted field is never closed/);
  });

  it('rejects a row with too few fields, naming the first missing column', () => {
    const error = inputError(() => parsePenguinsCsv(csv('Adelie,Dream,39.5,16.7,178,3250'), 'ragged.csv'));
    expect(error.location).toBe('ragged.csv, row 1 (line 2), column "sex"');
  });

  it('rejects an empty file, a header without rows, and a file with one species', () => {
    expect(inputError(() => parsePenguinsCsv('', 'empty.csv')).oneLine).toMatch(/^empty\.csv: the file is empty/);
    expect(inputError(() => parsePenguinsCsv('\uFEFF\r\n', 'bom-only.csv')).oneLine).toMatch(/the file is empty/);
    expect(inputError(() => parsePenguinsCsv(HEADER + '\n', 'header.csv')).oneLine).toMatch(/header but no data rows/);
    const single = inputError(() =>
      parsePenguinsCsv(csv('Adelie,Dream,39.5,16.7,178,3250,female,2007', 'Gentoo,Biscoe,46.1,13.2,211,NA,male,2008'), 'one.csv'),
    );
    expect(single.location).toBe('one.csv, column "species"');
    expect(single.oneLine).toMatch(/only one species \(Adelie\)/);
  });

  it('rejects a file whose every row has a missing value', () => {
    expect(inputError(() => parsePenguinsCsv(csv('Adelie,Dream,NA,16.7,178,3250,female,2007'), 'na.csv')).oneLine).toMatch(
      /all 1 rows have a missing value/,
    );
  });

  it('reports a file that cannot be read as an input error', async () => {
    await expect(loadPenguins('/nonexistent/penguins.csv')).rejects.toThrow(InputError);
    await expect(loadPenguins('/nonexistent/penguins.csv')).rejects.toThrow(/no such file/);
  });
});
