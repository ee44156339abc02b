/**
 * The legend under an instance view (Failures, Browse, Compare panes and the Annotate editor): the
 * ground-truth swatch, one swatch per drawn variant with its error on the focused joint (in head
 * sizes, hit or miss at the PCKh threshold), then the head size and its tolerance. One component, so
 * every pane words the same numbers the same way.
 */
import { toleranceRadius, PCKH_THRESHOLD } from '../../src-main/core/geometry.ts';
import type { OverlayVariant } from './InstanceViewer.tsx';

interface Props {
  readonly overlays: readonly OverlayVariant[];
  /** Joint whose error each variant shows; null: names only. */
  readonly focusJoint: number | null;
  /** Head size in pixels (null: no head box). */
  readonly headSize: number | null;
  readonly threshold?: number;
  /** Extra items after the head size (e.g. the GT revision in the editor). */
  readonly children?: React.ReactNode;
  readonly className?: string;
  /**
   * Short items (`name 0.123 h ✓`, the long wording in the tooltip) whose width does not change with
   * the verdict: the editor's footer must keep its height while the user edits (a footer that rewraps
   * would re-fit the image under the pointer).
   */
  readonly compact?: boolean;
}

export function OverlayLegend({ overlays, focusJoint, headSize, threshold = PCKH_THRESHOLD, children, className, compact = false }: Props) {
  return (
    <footer className={className}>
      <span>
        <span className="swatch" style={{ background: '#f5f5f5' }} aria-hidden="true" />
        ground truth
      </span>
      {overlays.map((o) => {
        const error = focusJoint !== null ? o.prediction.normalizedErrors[focusJoint] : null;
        const hit = focusJoint !== null ? o.prediction.hits[focusJoint] : null;
        const errorText = error === null || error === undefined ? '–' : error.toFixed(3);
        const text = `${o.prediction.variantName}${focusJoint !== null ? ` · error ${errorText} × head${hit === null || hit === undefined ? '' : hit ? ' (hit)' : ' (miss)'}` : ''}`;
        const shown =
          compact && focusJoint !== null ? `${o.prediction.variantName} ${errorText} h ${hit === null || hit === undefined ? '·' : hit ? '✓' : '✗'}` : text;
        return (
          <span key={o.prediction.variantId} title={text}>
            <span className="swatch" style={{ background: o.color }} aria-hidden="true" />
            {shown}
          </span>
        );
      })}
      {headSize !== null ? (
        <span>
          head size {headSize.toFixed(1)} px · tolerance {toleranceRadius(headSize, threshold).toFixed(1)} px
        </span>
      ) : null}
      {children}
    </footer>
  );
}
