/**
 * In-memory model of MAT v5 (Level 5 MAT-file) variables, shared by the reader and the writer.
 * Numeric data is always column-major, as MATLAB stores it: element (i, j, k) of dims [d0, d1, d2]
 * is at i + d0 * (j + d1 * k).
 */
export type MatNumericClass =
  | 'double' | 'single'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export interface MatNumericArray {
  readonly kind: 'numeric';
  readonly className: MatNumericClass;
  readonly dims: readonly number[];
  /** Values converted to float64, column-major. */
  readonly data: Float64Array;
  readonly logical?: boolean;
}

export interface MatCharArray {
  readonly kind: 'char';
  readonly dims: readonly number[];
  /** Rows of the char matrix as strings (a 1×n char array gives one string). */
  readonly text: string;
}

export interface MatCellArray {
  readonly kind: 'cell';
  readonly dims: readonly number[];
  /** Cells in column-major order. */
  readonly cells: readonly MatValue[];
}

export interface MatStructArray {
  readonly kind: 'struct';
  readonly dims: readonly number[];
  readonly fieldNames: readonly string[];
  /** One record per element, column-major. */
  readonly elements: readonly Readonly<Record<string, MatValue>>[];
}

export type MatValue = MatNumericArray | MatCharArray | MatCellArray | MatStructArray;

export interface MatFile {
  /** The 116-byte descriptive header text. */
  readonly headerText: string;
  readonly variables: ReadonlyMap<string, MatValue>;
}

/** A variable to write. Numeric data is column-major like MatNumericArray. */
export type MatWritable =
  | { readonly kind: 'numeric'; readonly className: 'double' | 'single' | 'uint8' | 'int32'; readonly dims: readonly number[]; readonly data: ArrayLike<number> }
  | { readonly kind: 'cell-of-strings'; readonly dims: readonly [number, number]; readonly strings: readonly string[] };
