import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into the CMake build tree (cmake/EmbedStudio.cmake passes --outDir) and embedded into the
// flash binary: no CDN, no external requests; the page works offline.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { assetsInlineLimit: 0, sourcemap: false, chunkSizeWarningLimit: 2000 },
});
