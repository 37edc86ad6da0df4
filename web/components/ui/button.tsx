import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost" | "danger-ghost";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 active:bg-indigo-700",
  secondary: "bg-surface text-fg ring-1 ring-line hover:bg-surface-2 active:bg-surface-3",
  danger: "bg-rose-600 text-white shadow-sm hover:bg-rose-500 active:bg-rose-700",
  ghost: "text-fg-muted hover:bg-surface-3 active:bg-surface-3",
  "danger-ghost": "text-danger hover:bg-rose-500/10 active:bg-rose-500/20",
};

/** 44 px tall on phones (a finger's minimum), compact on desktops. */
export function Button({
  variant = "secondary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      className={`inline-flex h-11 items-center justify-center gap-1.5 rounded-full px-4 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-50 sm:h-8 sm:px-3.5 sm:text-[13px] ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}
