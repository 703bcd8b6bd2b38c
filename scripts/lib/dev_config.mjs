// Derives the local configuration from wrangler.jsonc, so the two cannot drift.
//   node scripts/lib/dev_config.mjs <output.jsonc> [--test]
// Changes: `ai` becomes a service binding to the local fake (tests/fakes/fake_ai), LOCAL_DEVELOPMENT
// turns on loopback-only Host checking, global_fetch_strictly_public is dropped (the GitHub
// stand-in is on 127.0.0.1), the build step is dropped (scripts/build ran already), and
// paths are rewritten relative to the output file. With --test, `main` is the test entry
// (tests/fakes/test_entry.js: the product's worker behind test-only binding wrappers) and the rate
// limits are lifted (tests of the limits configure their own).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// JSONC -> JSON: drops comments and trailing commas outside strings.
export function parseJsonc(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

export function deriveConfig(outputPath, { test = false } = {}) {
  const config = parseJsonc(readFileSync(resolve(root, "wrangler.jsonc"), "utf8"));
  const outDir = dirname(resolve(outputPath));
  const rel = (p) => relative(outDir, resolve(root, p)) || ".";
  const derived = { ...config };
  delete derived.ai;
  delete derived.build;
  derived.$schema = rel("node_modules/wrangler/config-schema.json");
  derived.main = rel(test ? "tests/fakes/test_entry.js" : config.main);
  derived.services = [...(config.services ?? []), { binding: "AI", service: "fake-ai" }];
  derived.vars = { ...(config.vars ?? {}), LOCAL_DEVELOPMENT: "true" };
  // Locally, GitHub is the stand-in on 127.0.0.1, which the production SSRF guard would refuse.
  derived.compatibility_flags = (config.compatibility_flags ?? []).filter((f) => f !== "global_fetch_strictly_public");
  if (test) {
    derived.name = `${config.name}-test`;
    // The suites sign in hundreds of times from one address; tests of the limits set their own.
    derived.ratelimits = (config.ratelimits ?? []).map((r) => ({ ...r, simple: { ...r.simple, limit: 100000 } }));
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    outputPath,
    "// Generated from wrangler.jsonc by scripts/lib/dev_config.mjs. Do not edit.\n" +
      JSON.stringify(derived, null, 2) + "\n",
  );
  return derived;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [output, flag] = process.argv.slice(2);
  if (!output) {
    console.error("usage: node scripts/lib/dev_config.mjs <output.jsonc> [--test]");
    process.exit(2);
  }
  deriveConfig(output, { test: flag === "--test" });
}
