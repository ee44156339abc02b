/**
 * One line under the variants: how far the engine is with preparing crops for the open dataset
 * (runs started after it read crops instead of decoding images). Polled while it works.
 */
import type { CropPreparationStatus } from '../../src-main/api/contract.ts';
import { useApi } from '../bridge/queries.ts';

const ACTIVE: ReadonlySet<CropPreparationStatus['state']> = new Set(['running', 'held']);

export function CropPreparationNote() {
  const status = useApi(
    'crops:status',
    {},
    {
      // Slowly when settled too: a model with a new input size starts another pass a moment after the
      // workspace-changed event that refetches this.
      refetchInterval: (query) => (query.state.data === undefined || ACTIVE.has(query.state.data.state) ? 1000 : 5000),
      staleTime: 0,
    },
  );
  const data = status.data;
  if (data === undefined || data.state === 'off' || data.state === 'idle' || data.sizes.length === 0) return null;
  return (
    <div className="muted" role="status" aria-label="Crop preparation" style={{ marginTop: 8 }}>
      {describeCropPreparation(data)}
    </div>
  );
}

function describeCropPreparation(s: CropPreparationStatus): string {
  const sizes = s.sizes.map((size) => size.replace('x', '×')).join(', ');
  const counts = `${s.imagesDone}/${s.imagesTotal} images, ${s.cropsMade} crops made, ${s.cropsFound} found${s.failedImages > 0 ? `, ${s.failedImages} images failed` : ''}`;
  switch (s.state) {
    case 'running':
      return `Preparing crops for ${sizes} in the background: ${counts}. Runs started after this decode no image.`;
    case 'held':
      return `Crop preparation for ${sizes} waits while a run or Browse's thumbnails go first${s.imagesTotal > 0 ? ` (${counts})` : ''}.`;
    case 'done':
      return `Crops for ${sizes} prepared (${counts}): runs read them instead of decoding images.${s.note ? ` ${s.note}.` : ''}`;
    case 'failed':
      return `Crop preparation for ${sizes} failed: ${s.note ?? 'unknown error'}. Runs decode images themselves.`;
    default:
      return '';
  }
}
