import localFont from "next/font/local";

// Local on purpose: a PCC may build with no internet, so no Google Fonts fetch.
export const inter = localFont({
  src: "../../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  weight: "100 900",
  variable: "--font-inter",
  display: "swap",
});
