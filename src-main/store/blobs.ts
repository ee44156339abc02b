/**
 * Typed arrays <-> SQLite BLOBs. Values are stored as the platform's raw IEEE-754 bytes (little-endian on
 * every platform posebench ships for), so a float32 written is the float32 read back, bit for bit.
 */

/** A view on the array's bytes (no copy); valid as long as the array is. */
export function blobOf(array: Float32Array | Float64Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function copyBytes(blob: Uint8Array, elementSize: number, what: string): ArrayBuffer {
  if (blob.byteLength % elementSize !== 0) {
    throw new Error(`workspace blob ${what} has ${blob.byteLength} bytes, not a multiple of ${elementSize}`);
  }
  // Buffers returned by SQLite may sit at any offset of a shared pool: copy into an aligned buffer.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return copy.buffer;
}

export function float32FromBlob(blob: Uint8Array, what = 'float32'): Float32Array {
  return new Float32Array(copyBytes(blob, 4, what));
}

export function float64FromBlob(blob: Uint8Array, what = 'float64'): Float64Array {
  return new Float64Array(copyBytes(blob, 8, what));
}

export function uint8FromBlob(blob: Uint8Array): Uint8Array {
  return new Uint8Array(copyBytes(blob, 1, 'uint8'));
}
