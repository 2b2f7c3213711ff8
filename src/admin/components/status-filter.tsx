import { Select } from "@medusajs/ui"

/** A status select whose "all" choice means "no status filter" (the API takes none). */
export function StatusFilter<S extends string>({
  value,
  options,
  onChange,
}: {
  value: S | "all"
  options: readonly S[]
  onChange: (value: S | "all") => void
}) {
  return (
    <Select size="small" value={value} onValueChange={(v) => onChange(v as S | "all")}>
      <Select.Trigger className="w-[160px]">
        <Select.Value />
      </Select.Trigger>
      <Select.Content>
        {options.map((o) => (
          <Select.Item key={o} value={o}>
            {o.charAt(0).toUpperCase() + o.slice(1)}
          </Select.Item>
        ))}
        <Select.Item value="all">All</Select.Item>
      </Select.Content>
    </Select>
  )
}
