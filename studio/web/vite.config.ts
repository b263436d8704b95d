import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

// Every text file of the build also as .br (brotli, quality 11) and .gz (gzip -9), made once here:
// the studio serves them with Content-Encoding to a browser that accepts them, instead of
// compressing megabytes per request (src/flash/studio/server.cpp). Node's own zlib: no dependency.
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "flash-precompress",
    apply: "build",
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    writeBundle() {
      const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const f of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json)$/.test(f)) continue;
        const raw = fs.readFileSync(f);
        const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
        const gz = zlib.gzipSync(raw, { level: 9 });
        if (br.length < raw.length) fs.writeFileSync(f + ".br", br);
        if (gz.length < raw.length) fs.writeFileSync(f + ".gz", gz);
      }
    },
  };
}

// Built into the CMake build tree (cmake/EmbedStudio.cmake passes --outDir) and embedded into the
// flash binary: no CDN, no external requests; the page works offline. Hashed file names under
// /assets/ are served with a year-long immutable cache; index.html is revalidated.
export default defineConfig({
  plugins: [react(), precompress()],
  base: "/",
  build: { assetsInlineLimit: 0, sourcemap: false, chunkSizeWarningLimit: 2000 },
});
