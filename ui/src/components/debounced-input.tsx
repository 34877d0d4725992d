import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  value: string;
  onCommit: (value: string) => void;
  ms?: number;
  [attribute: string]: unknown;
}

/**
 * A text input that reports what was typed once typing pauses, and follows `value`
 * when it changes from outside (a cleared filter, the back button).
 */
export function DebouncedInput({ value, onCommit, ms = 300, ...attributes }: Props) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setText(value), [value]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const commit = (next: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (next.trim() !== value) onCommit(next.trim());
  };
  return (
    <input
      {...attributes}
      value={text}
      onInput={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => commit(next), ms);
      }}
      onKeyDown={(e) => e.key === "Enter" && commit(e.currentTarget.value)}
    />
  );
}
