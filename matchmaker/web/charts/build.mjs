// Builds static/echarts-<page>-<version>.min.js for each page with charts (npm run build).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const version = JSON.parse(readFileSync("node_modules/echarts/package.json", "utf8")).version;
for (const page of ["dashboard", "round"]) {
  await build({
    entryPoints: [`${page}.js`],
    outfile: `../static/echarts-${page}-${version}.min.js`,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2017",
    legalComments: "none",
    banner: { js: `/*! Apache ECharts ${version}: ${page} build (matchmaker/web/charts). Apache-2.0, see echarts-LICENSE.txt */` },
    define: { "process.env.NODE_ENV": '"production"', __DEV__: "false" },
  });
}
