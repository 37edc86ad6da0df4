// Renders the PWA's PNG icons from the two SVGs in public/icons (run after editing them):
//   node scripts/gen-pwa-icons.mjs
// sharp comes with Next (image optimisation), so this needs no extra package.
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const dir = fileURLToPath(new URL("../public/icons/", import.meta.url));
const jobs = [
  // "any": the rounded tile, transparent outside it, for tabs, shortcuts and install dialogs.
  { src: "icon.svg", out: "icon-192.png", size: 192 },
  { src: "icon.svg", out: "icon-512.png", size: 512 },
  // "maskable": full bleed, so Android can cut it into its own shape without a white rim.
  { src: "icon-maskable.svg", out: "icon-maskable-192.png", size: 192 },
  { src: "icon-maskable.svg", out: "icon-maskable-512.png", size: 512 },
  // iOS rounds the corners itself and shows transparency as black: full bleed too.
  { src: "icon-maskable.svg", out: "apple-touch-icon.png", size: 180 },
];

for (const j of jobs) {
  await sharp(path.join(dir, j.src), { density: Math.ceil((72 * j.size) / 512) * 2 })
    .resize(j.size, j.size)
    .png({ compressionLevel: 9 })
    .toFile(path.join(dir, j.out));
  console.log(`public/icons/${j.out} (${j.size}×${j.size})`);
}
