import { DISPLAY_JOINT_ORDER, jointLabel } from './joint-order.ts';

export function JointSelect({
  value,
  onChange,
  label = 'Joint',
  allowAny = false,
}: {
  value: number | null;
  onChange: (joint: number | null) => void;
  label?: string;
  allowAny?: boolean;
}) {
  return (
    <label>
      {label}
      <select aria-label={label} value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}>
        {allowAny ? <option value="">any joint</option> : null}
        {DISPLAY_JOINT_ORDER.map((j) => (
          <option key={j} value={j}>
            {jointLabel(j)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function VariantSelect({
  value,
  onChange,
  variants,
  label = 'Variant',
  allowNone = false,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  variants: readonly { id: string; name: string }[];
  label?: string;
  allowNone?: boolean;
}) {
  return (
    <label>
      {label}
      <select aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        {allowNone ? <option value="">ground truth only</option> : null}
        {variants.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
    </label>
  );
}
