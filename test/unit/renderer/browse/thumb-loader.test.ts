/**
 * When Browse's thumbnails get their `src` (thumb-loader.ts): at once while scrolling slowly, after
 * a fling, never for a row that left meanwhile; and a row that leaves drops its unfinished loads
 * (they would hold the browser's connections while the rows on screen wait). Fake elements with just
 * the DOM members the loader uses (the unit tests run without a DOM).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThumbLoader } from '../../../../src-renderer/browse/thumb-loader.ts';

class FakeImg {
  readonly dataset: Record<string, string>;
  private readonly attributes = new Map<string, string>();
  complete = false;
  isConnected = true;
  constructor(url: string) {
    this.dataset = { src: url };
  }
  set src(url: string) {
    this.attributes.set('src', url);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
}

function row(...urls: string[]): { element: HTMLElement; images: FakeImg[] } {
  const images = urls.map((url) => new FakeImg(url));
  const element = { querySelectorAll: () => images } as unknown as HTMLElement;
  return { element, images };
}

const ROW = 166;
const VIEWPORT = 800;

afterEach(() => {
  vi.useRealTimers();
});

describe('ThumbLoader', () => {
  it('gives a row its thumbnails at once while the grid scrolls slowly', () => {
    const loader = new ThumbLoader(ROW);
    loader.onScroll(0, VIEWPORT, 0);
    loader.onScroll(40, VIEWPORT, 16);
    const { element, images } = row('a', 'b');
    loader.showRow(element);
    expect(images.map((i) => i.getAttribute('src'))).toEqual(['a', 'b']);
  });

  it('is not sent into fling mode by one uneven frame of a steady wheel scroll', () => {
    const loader = new ThumbLoader(ROW);
    // 40 px per frame (2400 px/s, rows in view ~0.4 s: to be loaded), with uneven event times.
    const times = [0, 8, 24, 33, 50, 58, 83, 91, 108, 116, 133, 150, 166];
    times.forEach((t, i) => loader.onScroll((i + 1) * 40, VIEWPORT, t));
    const { element, images } = row('a');
    loader.showRow(element);
    expect(images[0]!.getAttribute('src')).toBe('a');
  });

  it('holds them back during a fling and loads them when it settles, except for rows that left', () => {
    vi.useFakeTimers();
    const loader = new ThumbLoader(ROW);
    // 120 px per 16 ms = 7500 px/s: a row crosses the viewport in ~0.13 s, too fast to look at.
    for (let i = 0; i <= 7; i++) loader.onScroll(i * 120, VIEWPORT, i * 16);
    const kept = row('k1', 'k2');
    const left = row('l1');
    loader.showRow(kept.element);
    loader.showRow(left.element);
    expect([...kept.images, ...left.images].map((i) => i.getAttribute('src'))).toEqual([null, null, null]);
    loader.releaseRow(left.element);
    vi.advanceTimersByTime(200);
    expect(kept.images.map((i) => i.getAttribute('src'))).toEqual(['k1', 'k2']);
    expect(left.images[0]!.getAttribute('src')).toBeNull();
  });

  it('drops the unfinished loads of a row that leaves, and keeps the finished ones', () => {
    const loader = new ThumbLoader(ROW);
    const { element, images } = row('done', 'loading');
    loader.showRow(element);
    images[0]!.complete = true;
    loader.releaseRow(element);
    expect(images[0]!.getAttribute('src')).toBe('done');
    expect(images[1]!.hasAttribute('src')).toBe(false);
  });
});
