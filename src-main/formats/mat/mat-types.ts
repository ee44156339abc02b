/**
 * In-memory model of MAT v5 (Level 5 MAT-file) variables, shared by the reader and the writer.
 * Numeric data is always column-major, as MATLAB stores it: element (i, j, k) of dims [d0, d1, d2]
 * is at i + d0 * (j + d1 * k).
 */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

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
  /**
   * Each row of the char matrix (characters are UTF-16 code units, as in MATLAB). The reader always
   * sets it; `text` is these rows joined with '\n'.
   */
  readonly rows?: readonly string[];
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
  | {
      readonly kind: 'numeric';
      readonly className: 'double' | 'single' | 'uint8' | 'int32';
      readonly dims: readonly number[];
      readonly data: ArrayLike<number>;
      /**
       * Element type to store the values as, when it differs from the class. MATLAB stores integral
       * doubles compactly (the original mpii_gt_val.mat has class double `jnt_missing` stored as
       * miUINT8); every value must then be exactly representable in that type.
       */
      readonly storage?: MatStorageType;
    }
  | { readonly kind: 'cell-of-strings'; readonly dims: readonly [number, number]; readonly strings: readonly string[] };

/** Element types the writer can use for numeric data (a subset of the miXXX types). */
export type MatStorageType = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';

/** Data element types (MAT-File Format, Level 5, table 1-1). */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** Array classes (MAT-File Format, Level 5, table 1-3). */
export const MX = {
  CELL: 1,
  STRUCT: 2,
  OBJECT: 3,
  CHAR: 4,
  SPARSE: 5,
  DOUBLE: 6,
  SINGLE: 7,
  INT8: 8,
  UINT8: 9,
  INT16: 10,
  UINT16: 11,
  INT32: 12,
  UINT32: 13,
  INT64: 14,
  UINT64: 15,
  FUNCTION: 16,
  OPAQUE: 17,
} as const;

/** Array-flag bits (byte 2 of the array-flags sub-element). */
export const MAT_FLAG_COMPLEX = 0x08;
export const MAT_FLAG_GLOBAL = 0x04;
export const MAT_FLAG_LOGICAL = 0x02;

/** Numeric array class for each numeric mxCLASS value. */
export const MX_NUMERIC_CLASS: Readonly<Record<number, MatNumericClass>> = {
  [MX.DOUBLE]: 'double',
  [MX.SINGLE]: 'single',
  [MX.INT8]: 'int8',
  [MX.UINT8]: 'uint8',
  [MX.INT16]: 'int16',
  [MX.UINT16]: 'uint16',
  [MX.INT32]: 'int32',
  [MX.UINT32]: 'uint32',
  [MX.INT64]: 'int64',
  [MX.UINT64]: 'uint64',
};
