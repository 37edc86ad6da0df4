/** The shell's keyboard shortcuts: one list, read by the key handler's docs and the help sheet. */

export type Shortcut = { keys: string[]; label: string };

export const SHORTCUT_GROUPS: { title: string; items: Shortcut[] }[] = [
  {
    title: "Anywhere",
    items: [
      { keys: ["Mod", "K"], label: "Search apps, the App Store and settings" },
      { keys: ["?"], label: "Show these shortcuts" },
      { keys: ["Esc"], label: "Close the open sheet or dialog" },
      { keys: ["Ctrl", "Alt", "A"], label: "All apps" },
      { keys: ["Ctrl", "Alt", "N"], label: "Notifications" },
    ],
  },
  {
    title: "Windows",
    items: [
      { keys: ["Ctrl", "Alt", "←"], label: "Snap to the left half (then ↑ or ↓ for a quarter)" },
      { keys: ["Ctrl", "Alt", "→"], label: "Snap to the right half (then ↑ or ↓ for a quarter)" },
      { keys: ["Ctrl", "Alt", "↑"], label: "Maximize" },
      { keys: ["Ctrl", "Alt", "↓"], label: "Restore, then minimize to the dock" },
      { keys: ["Ctrl", "Alt", "`"], label: "Next window" },
      { keys: ["Ctrl", "Alt", "M"], label: "Minimize the window" },
      { keys: ["Ctrl", "Alt", "W"], label: "Close the window" },
    ],
  },
];
