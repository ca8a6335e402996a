// Bundles src/clarion-inbox.js into the one file the local stack serves (local/static/clarion-inbox.js).
// `node build.mjs [outfile]`: tests/contract/test_inbox_bundle.py builds to a temporary file and compares bytes.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  entryPoints: [here("src/clarion-inbox.js")],
  outfile: process.argv[2] ?? here("../../local/static/clarion-inbox.js"),
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: true,
  legalComments: "none",
  banner: { js: "/* <clarion-inbox>: built from web/inbox/src by `make inbox` (esbuild). Do not edit. */" },
  logLevel: "warning",
});
