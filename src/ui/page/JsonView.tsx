// A JSON value as a tree whose objects and arrays fold and unfold; long strings keep their line breaks.
import { useState } from 'preact/hooks';

export function JsonView({ value, name, depth = 0 }: { value: unknown; name?: string; depth?: number }) {
  const [open, setOpen] = useState(depth < 3);
  const label = name === undefined ? null : <span class="json-key">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-line">
        {label}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((inner, index) => [String(index), inner] as const) : Object.entries(value);
  const [opening, closing] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div class="json-line">
        {label}
        {opening}
        {closing}
      </div>
    );
  }
  return (
    <div class="json-node">
      <button type="button" class="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {opening}
      {open ? (
        <div class="json-children">
          {entries.map(([key, inner]) => (
            <JsonView key={key} value={inner} name={Array.isArray(value) ? undefined : key} depth={depth + 1} />
          ))}
        </div>
      ) : (
        <span class="json-more"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span>
      )}
      {closing}
    </div>
  );
}
