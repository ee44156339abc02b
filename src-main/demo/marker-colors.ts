/**
 * The demo's "visual vocabulary": every joint of a demo figure carries a small disc of a
 * joint-specific colour, and the demo ONNX models find joints by scoring colour similarity.
 *
 * Difficulty is designed in: the two wrists have nearly the same colour (and so do the two ankles),
 * their discs are smaller, and the background clutter contains near-wrist / near-ankle colours.
 * So models with a loose colour tolerance confuse left/right wrists and ankles, as real models do.
 * Indexed in mmpose MPII order (src-main/core/joints.ts).
 */
export type Rgb = readonly [number, number, number];

export const MARKER_COLORS: readonly Rgb[] = [
  [0, 235, 235], //    0 right_ankle  (cyan)
  [0, 110, 255], //    1 right_knee
  [0, 140, 0], //      2 right_hip
  [140, 0, 90], //     3 left_hip
  [150, 255, 0], //    4 left_knee
  [45, 200, 255], //   5 left_ankle   (≈ right_ankle)
  [0, 0, 255], //      6 pelvis
  [165, 0, 255], //    7 thorax
  [255, 0, 170], //    8 upper_neck
  [255, 0, 0], //      9 head_top
  [255, 235, 0], //   10 right_wrist  (yellow)
  [255, 150, 205], // 11 right_elbow
  [255, 120, 0], //   12 right_shoulder
  [0, 255, 0], //     13 left_shoulder
  [120, 255, 140], // 14 left_elbow
  [255, 195, 45], //  15 left_wrist   (≈ right_wrist)
];

/** Joints whose markers are small and whose colours are easily confused (wrists, ankles). */
export const HARD_JOINTS: readonly number[] = [0, 5, 10, 15];

/** Marker disc radius as a fraction of the figure height. */
export const MARKER_RADIUS_FRACTION = 0.021;
export const HARD_MARKER_RADIUS_FRACTION = 0.016;
