// `scripts/grants`: list and revoke a user's OAuth grants in the OAUTH_KV namespace (the layout of
// @cloudflare/workers-oauth-provider 1.2.3, docs/storage-schema.md), locally or on a deployed
// namespace, through the project's pinned wrangler (`wrangler kv key list|get|delete`).
//   node scripts/lib/grants.mjs --help
// Never prints token values, token ids, secrets, encryptedProps or wrapped keys: only grant ids,
// client ids, times and counts.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { parseJsonc } from "./dev_config.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WRANGLER = join(root, "node_modules/.bin/wrangler");
const BINDING = "OAUTH_KV";
const PLACEHOLDER_ID = "<Add-KV-ID>";
// `wrangler kv key list --local` returns at most this many keys and no cursor (remote pages).
const LOCAL_LIST_LIMIT = 1000;
// Each local wrangler call runs its own workerd on the same SQLite files as `wrangler dev`; workerd
// expects to own them and sets no busy timeout, so while another process writes (the running
// worker, or a second wrangler call) an operation can fail with SQLITE_BUSY, which wrangler reports
// as "KV GET failed: 500 Internal Server Error". Calls therefore run one at a time, and such a
// failure is retried (lists, gets and deletes are all safe to repeat).
const BUSY = /KV (GET|PUT|DELETE|LIST) failed: 500/;
const ATTEMPTS = 6;

const USAGE = `Usage:
  scripts/grants list <login> [target] [--json]
  scripts/grants revoke <login> (<grantId> | --all) [target] [--yes]
  scripts/grants --help

Lists or revokes the OAuth grants of one user (the GitHub login, exactly as stored: KV keys
are case-sensitive) in the OAUTH_KV namespace, through node_modules/.bin/wrangler.

list    one line per grant: grant id, client id, created, expires (ISO 8601, UTC), the
        authorization code's state (unredeemed / redeemed) and the number of access tokens
        (keys token:<login>:<grantId>:*). Token values, token ids, secrets, encryptedProps and
        wrapped keys are never printed. Tokens left over from a grant whose record is gone are
        listed as "(no grant record)". --json prints the same as JSON.
revoke  deletes grant:<login>:<grantId> first (the server treats a grant missing from KV as
        revoked, whatever its GrantState Durable Object holds, so no refresh can mint new
        tokens), then every token:<login>:<grantId>:* key (each access token stops working
        within AUTH_CACHE_SECONDS (default 10 s, the worker's cache of verified tokens)
        locally, and within about 60 s more everywhere on a deployment), then (locally) checks
        that nothing came back. --all does this for every grant of the user (and leftover
        tokens).
        Asks for confirmation unless --yes (without a terminal, --yes is required).

Target (default: --local):
  --local                 the local simulator's storage (what \`npm run dev\` / wrangler dev use)
    --persist-to DIR      its directory (default: wrangler's, .wrangler/state beside the config)
    -c, --config FILE     wrangler config naming the OAUTH_KV binding (default: wrangler.dev.jsonc
                          if it exists, else wrangler.jsonc); its KV id (even the placeholder
                          "${PLACEHOLDER_ID}") names the local namespace, as it does for wrangler dev
  --remote                the deployed namespace; needs a Cloudflare login (\`wrangler login\` or
                          CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID). Not exercised by tests.
    --namespace-id ID     the namespace (default: the OAUTH_KV id in -c, default wrangler.jsonc)
  --namespace-id ID       also allowed with --local, instead of the config's binding

Locally each wrangler call starts its own workerd on the SQLite files that a running
\`wrangler dev\` uses. They can collide ("database is locked": wrangler says "KV GET failed: 500");
the script retries such calls, and the worker may answer a request of that moment with 503
(temporarily_unavailable), which clients retry.

Exit status: 0 on success (listing a login without grants too), 1 on errors (an unknown grant
id, a login with nothing to revoke, wrangler failures: wrangler's own output is shown, a
cancelled confirmation), 2 on usage errors.`;

class UsageError extends Error {}
class ToolError extends Error {}

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { positionals: [], local: false, remote: false, all: false, yes: false, json: false, help: false };
  const valueOf = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v === "") throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    if (eq > 0) { inline = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const take = (name) => {
      if (inline !== undefined) {
        if (inline === "") throw new UsageError(`${name} needs a value`);
        return inline;
      }
      const v = valueOf(i, name);
      i++;
      return v;
    };
    const flag = (name) => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return true;
    };
    switch (arg) {
      case "-h": case "--help": opts.help = flag(arg); break;
      case "--local": opts.local = flag(arg); break;
      case "--remote": opts.remote = flag(arg); break;
      case "--all": opts.all = flag(arg); break;
      case "-y": case "--yes": opts.yes = flag(arg); break;
      case "--json": opts.json = flag(arg); break;
      case "--persist-to": opts.persistTo = take(arg); break;
      case "-c": case "--config": opts.config = take(arg); break;
      case "--namespace-id": opts.namespaceId = take(arg); break;
      case "--": opts.positionals.push(...argv.slice(i + 1)); i = argv.length; break;
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${argv[i]}`);
        opts.positionals.push(argv[i]);
    }
  }
  return opts;
}

// A login becomes part of a KV prefix: refuse what would widen it ("" would list every user).
function checkLogin(login) {
  if (login === undefined) throw new UsageError("missing <login> (the user's GitHub login)");
  if (login === "" || /[:\s\u0000-\u001f\u007f]/.test(login)) {
    throw new UsageError(`invalid login ${JSON.stringify(login)}: a GitHub login has no ':', spaces or control characters`);
  }
  return login;
}

function checkGrantId(id) {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) {
    throw new UsageError(`invalid grant id ${JSON.stringify(id)}: grant ids are base64url characters (as printed by \`scripts/grants list\`)`);
  }
  return id;
}

// The wrangler arguments that name the namespace (shared by list, get and delete).
function targetArgs(opts) {
  if (opts.local && opts.remote) throw new UsageError("--local and --remote exclude each other");
  if (opts.remote && opts.persistTo !== undefined) throw new UsageError("--persist-to applies to --local only");
  const cwd = process.cwd();
  const args = [];
  let config;
  if (opts.config !== undefined) {
    config = resolve(cwd, opts.config);
    if (!existsSync(config)) throw new ToolError(`config file not found: ${config}`);
  } else if (opts.remote) {
    config = join(root, "wrangler.jsonc");
  } else {
    const dev = join(root, "wrangler.dev.jsonc");
    config = existsSync(dev) ? dev : join(root, "wrangler.jsonc");
  }
  if (opts.namespaceId !== undefined) {
    args.push("--namespace-id", opts.namespaceId);
  } else {
    if (opts.remote) {
      // Fail before wrangler does, with the fix: the deploy config may still hold the placeholder.
      let id;
      try {
        id = (parseJsonc(readFileSync(config, "utf8")).kv_namespaces ?? []).find((ns) => ns.binding === BINDING)?.id;
      } catch (e) {
        throw new ToolError(`cannot read ${config}: ${e.message}`);
      }
      if (!id || id === PLACEHOLDER_ID) {
        throw new ToolError(`${config} has no real ${BINDING} namespace id (found ${JSON.stringify(id ?? null)}): pass --namespace-id ID ` +
          "(`wrangler kv namespace list` shows it) or put the id in the config");
      }
    }
    args.push("--binding", BINDING);
  }
  args.push("-c", config);
  if (opts.remote) {
    args.push("--remote");
  } else {
    args.push("--local");
    if (opts.persistTo !== undefined) args.push("--persist-to", resolve(cwd, opts.persistTo));
  }
  return { args, config, where: opts.remote ? "remote" : "local" };
}

// ---------------------------------------------------------------------------------------------
// wrangler

const WRANGLER_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  // No banner: it would also ask the npm registry whether wrangler has an update.
  WRANGLER_HIDE_BANNER: "true",
};

// Token ids (the SHA-256 of a token) are not secrets, but they stay out of the output too.
const redact = (text) => text.replace(/(token:[^:\s"']+:[^:\s"']+:)[0-9a-f]{64}/g, "$1…");

class WranglerError extends ToolError {
  // `stdout` is left out when it may hold a value (kv key get).
  constructor(what, code, signal, stdout, stderr) {
    const out = redact(stripVTControlCharacters([stderr.trim(), stdout.trim()].filter(Boolean).join("\n")));
    super(`wrangler ${redact(what)} failed (${signal ? `signal ${signal}` : `exit code ${code}`})${out ? `:\n${indent(out)}` : " with no output"}`);
    this.busy = BUSY.test(out);
    this.output = out;
  }
}

const indent = (text) => text.split("\n").map((l) => `  ${l}`).join("\n");

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function runWrangler(subArgs, what, { showStdout = true } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runWranglerOnce(subArgs, what, showStdout);
    } catch (e) {
      if (!(e instanceof WranglerError) || !e.busy || attempt === ATTEMPTS) throw e;
      await sleep(150 * attempt);
    }
  }
}

function runWranglerOnce(subArgs, what, showStdout) {
  return new Promise((ok, fail) => {
    let child;
    try {
      child = spawn(WRANGLER, subArgs, {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...WRANGLER_ENV },
      });
    } catch (e) {
      fail(new ToolError(`cannot run ${WRANGLER}: ${e.message} (run \`npm install\` / scripts/setup)`));
      return;
    }
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    child.once("error", (e) => fail(new ToolError(`cannot run ${WRANGLER}: ${e.message} (run \`npm install\` / scripts/setup)`)));
    child.once("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) ok({ stdout, stderr });
      else fail(new WranglerError(what, code, signal, showStdout ? stdout : "", stderr));
    });
  });
}

class Kv {
  constructor(target) { this.target = target; }

  // [{ name, expiration?, metadata? }] for every key under `prefix`.
  async list(prefix) {
    const { stdout, stderr } = await runWrangler(["kv", "key", "list", ...(prefix ? ["--prefix", prefix] : []), ...this.target.args],
      prefix ? `kv key list --prefix ${prefix}` : "kv key list");
    const start = stdout.indexOf("[");
    let keys;
    try {
      keys = JSON.parse(start < 0 ? stdout : stdout.slice(start));
    } catch {
      throw new ToolError(`wrangler kv key list printed something other than JSON:\n${indent(redact(stripVTControlCharacters([stdout.trim(), stderr.trim()].filter(Boolean).join("\n"))))}`);
    }
    if (!Array.isArray(keys)) throw new ToolError("wrangler kv key list printed JSON that is not a list of keys");
    return keys;
  }

  // The value's text, or null when the key does not exist.
  async get(key) {
    let stdout;
    try {
      ({ stdout } = await runWrangler(["kv", "key", "get", key, ...this.target.args], `kv key get ${key}`, { showStdout: false }));
    } catch (e) {
      // Remote: the API answers 404 (code 10009) for a key deleted since it was listed.
      if (this.target.where === "remote" && e instanceof WranglerError && /10009|key not found/i.test(e.output)) return null;
      throw e;
    }
    // Local mode prints this (and exits 0) for a missing key; no stored record is that text.
    if (stdout === "Value not found\n") return null;
    return stdout;
  }

  async delete(key) {
    await runWrangler(["kv", "key", "delete", key, ...this.target.args], `kv key delete ${key}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a user's grants

const grantPrefix = (login) => `grant:${login}:`;
const tokenPrefix = (login, grantId) => `token:${login}:${grantId === undefined ? "" : `${grantId}:`}`;

// grantId -> number of access token keys, from keys listed under token:<login>:.
function countTokens(login, keys) {
  const counts = new Map();
  const prefix = tokenPrefix(login);
  for (const { name } of keys) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const colon = rest.indexOf(":");
    if (colon <= 0) continue;
    const grantId = rest.slice(0, colon);
    counts.set(grantId, (counts.get(grantId) ?? 0) + 1);
  }
  return counts;
}

const iso = (seconds) => (typeof seconds === "number" && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined);

// A grant key and its record reduced to what may be shown (nothing secret survives this).
function describeGrant(login, key, text) {
  const grantId = key.name.slice(grantPrefix(login).length);
  let record;
  if (text !== null && text !== undefined) {
    try { record = JSON.parse(text); } catch { record = undefined; }
  }
  const meta = key.metadata && typeof key.metadata === "object" ? key.metadata : {};
  const pick = (v) => (typeof v === "string" && v !== "" ? v : undefined);
  return {
    grantId,
    clientId: pick(record?.clientId) ?? pick(meta.clientId) ?? null,
    createdAt: iso(record?.createdAt) ?? null,
    // After the exchange the record says; before it, the code's life is the key's TTL.
    expiresAt: iso(record?.expiresAt) ?? iso(key.expiration) ?? null,
    // 1.2.3 keeps authCodeId after the exchange (a replayed code is recognised by it) but drops the
    // code's wrapped key, which only an unredeemed code has.
    code: record === undefined ? "unknown" : typeof record.authCodeWrappedKey === "string" ? "unredeemed" : "redeemed",
    scope: Array.isArray(record?.scope) ? record.scope.filter((s) => typeof s === "string") : null,
    recordMissing: text === null,
    unreadable: text !== null && text !== undefined && record === undefined,
  };
}

// The user's grant keys (with their metadata) and token keys; no values read. Locally one list of
// the whole namespace does when it holds fewer than 1000 keys (each wrangler call costs most of a
// second); otherwise, and on a deployment, one list per prefix.
async function listUserKeys(kv, login) {
  if (kv.target.where === "local") {
    const all = await kv.list("");
    if (all.length < LOCAL_LIST_LIMIT) {
      const under = (prefix) => all.filter((k) => typeof k?.name === "string" && k.name.startsWith(prefix));
      return [under(grantPrefix(login)), under(tokenPrefix(login))];
    }
  }
  return [await kv.list(grantPrefix(login)), await kv.list(tokenPrefix(login))];
}

async function readKeys(kv, login) {
  const [grantKeys, tokenKeys] = await listUserKeys(kv, login);
  const counts = countTokens(login, tokenKeys);
  const own = grantKeys.filter((k) => typeof k?.name === "string" && /^[A-Za-z0-9_-]+$/.test(k.name.slice(grantPrefix(login).length)));
  const grantIds = own.map((k) => k.name.slice(grantPrefix(login).length));
  const known = new Set(grantIds);
  return {
    grantKeys: own,
    tokenKeys,
    counts,
    orphans: [...counts].filter(([id]) => !known.has(id)).map(([grantId, tokens]) => ({ grantId, tokens })),
    truncated: grantKeys.length >= LOCAL_LIST_LIMIT || tokenKeys.length >= LOCAL_LIST_LIMIT,
  };
}

// readKeys, plus each grant's record (reduced by describeGrant).
async function readGrants(kv, login) {
  const keys = await readKeys(kv, login);
  const texts = [];
  for (const k of keys.grantKeys) texts.push(await kv.get(k.name));
  const grants = keys.grantKeys.map((k, i) => ({ ...describeGrant(login, k, texts[i]), tokens: keys.counts.get(k.name.slice(grantPrefix(login).length)) ?? 0 }))
    .filter((g) => !g.recordMissing); // deleted between the list and the get
  const known = new Set(grants.map((g) => g.grantId));
  return {
    grants: grants.sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? "") || a.grantId.localeCompare(b.grantId)),
    orphans: [...keys.counts].filter(([id]) => !known.has(id)).map(([grantId, tokens]) => ({ grantId, tokens })),
    truncated: keys.truncated,
  };
}

// ---------------------------------------------------------------------------------------------
// Commands

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((v, c) => String(v).padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

async function list(kv, login, opts) {
  const { grants, orphans, truncated } = await readGrants(kv, login);
  if (opts.json) {
    const shown = grants.map(({ recordMissing, unreadable, ...g }) => g);
    console.log(JSON.stringify({ login, grants: shown, orphanTokens: orphans }, null, 2));
    return;
  }
  if (grants.length === 0 && orphans.length === 0) {
    console.log(`no grants for ${login} (logins are matched exactly, as GitHub spells them)`);
    return;
  }
  const rows = [["GRANT", "CLIENT", "CREATED", "EXPIRES", "CODE", "TOKENS"]];
  for (const g of grants) {
    rows.push([g.grantId, g.clientId ?? "?", g.createdAt ?? "?", g.expiresAt ?? "never", g.code, g.tokens]);
  }
  for (const o of orphans) rows.push([o.grantId, "(no grant record)", "-", "-", "-", o.tokens]);
  console.log(table(rows));
  const tokens = grants.reduce((n, g) => n + g.tokens, 0) + orphans.reduce((n, o) => n + o.tokens, 0);
  console.log(`${grants.length} grant${grants.length === 1 ? "" : "s"}, ${tokens} access token${tokens === 1 ? "" : "s"} for ${login}`);
  if (grants.some((g) => g.unreadable)) console.error("warning: some grant records are not JSON; their fields come from the key metadata");
  if (orphans.length) console.error("note: tokens without a grant record keep working until they expire; `revoke` removes them");
  if (truncated && kv.target.where === "local") console.error(`warning: the local list stops at ${LOCAL_LIST_LIMIT} keys; counts may be low`);
}

async function confirm(question) {
  if (!process.stdin.isTTY) throw new ToolError("refusing to revoke without confirmation: stdin is not a terminal (pass --yes)");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function revoke(kv, login, grantIdArg, opts) {
  const keys = await readKeys(kv, login);
  const idOf = (k) => k.name.slice(grantPrefix(login).length);
  const grantTarget = (k) => ({ grantId: idOf(k), hasRecord: true, tokens: keys.counts.get(idOf(k)) ?? 0,
    clientId: typeof k.metadata?.clientId === "string" ? k.metadata.clientId : undefined });
  const orphanTarget = (o) => ({ grantId: o.grantId, hasRecord: false, tokens: o.tokens });
  let targets; // [{ grantId, hasRecord, tokens, clientId? }]
  if (opts.all) {
    targets = [...keys.grantKeys.map(grantTarget), ...keys.orphans.map(orphanTarget)];
    if (targets.length === 0) {
      throw new ToolError(`no grants for ${login}: nothing to revoke (logins are matched exactly, as GitHub spells them; ` +
        `${kv.target.where}, ${kv.target.config})`);
    }
  } else {
    const g = keys.grantKeys.find((k) => idOf(k) === grantIdArg);
    const o = keys.orphans.find((x) => x.grantId === grantIdArg);
    if (!g && !o) {
      const ids = keys.grantKeys.map(idOf);
      throw new ToolError(`unknown grant id ${grantIdArg} for ${login}: ` +
        (ids.length ? `${login}'s grants are ${ids.join(", ")}` : `${login} has no grants`) +
        ` (${kv.target.where}, ${kv.target.config})`);
    }
    targets = [g ? grantTarget(g) : orphanTarget(o)];
  }

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (!opts.yes) {
    const summary = targets.map((t) => `  ${t.grantId}  ${t.hasRecord ? `client ${t.clientId ?? "?"}` : "(no grant record)"}  ${plural(t.tokens, "access token")}`).join("\n");
    console.error(`About to revoke (${kv.target.where}, ${kv.target.config}):\n${summary}`);
    if (!(await confirm(`Revoke ${plural(targets.length, "grant")} of ${login}?`))) {
      console.error("cancelled: nothing deleted");
      process.exitCode = 1;
      return;
    }
  }

  let grantsDeleted = 0;
  let tokensDeleted = 0;
  const tokensOf = (list, grantId) => list.filter((k) => k.name.startsWith(tokenPrefix(login, grantId)));
  for (const t of targets) {
    // The grant first: from then on the server refuses its refresh token and code.
    if (t.hasRecord) {
      await kv.delete(`grant:${login}:${t.grantId}`);
      grantsDeleted++;
    }
    let n = 0;
    for (const k of tokensOf(keys.tokenKeys, t.grantId)) { await kv.delete(k.name); n++; }
    tokensDeleted += n;
    console.log(`revoked ${t.grantId}${t.hasRecord ? ` (client ${t.clientId ?? "?"})` : " (tokens without a grant record)"}: ${plural(n, "access token")} deleted`);
  }

  // Check, and finish: a refresh that read the grant just before its deletion may have written it
  // (or a new token) back, and a local list returns at most 1000 keys. Not on a deployment: its
  // lists lag behind deletes (up to ~60 s), so they would show the keys just deleted.
  const ids = new Set(targets.map((t) => t.grantId));
  for (let round = 0; kv.target.where === "local"; round++) {
    const now = await readKeys(kv, login);
    const grantsLeft = now.grantKeys.filter((k) => ids.has(idOf(k)));
    const tokensLeft = now.tokenKeys.filter((k) => [...ids].some((id) => k.name.startsWith(tokenPrefix(login, id))));
    if (grantsLeft.length === 0 && tokensLeft.length === 0) break;
    if (round === 4) throw new ToolError(`keys of the revoked grants keep appearing (${plural(grantsLeft.length, "grant")}, ${plural(tokensLeft.length, "token")}); run the revoke again`);
    for (const k of grantsLeft) { await kv.delete(k.name); grantsDeleted++; }
    for (const k of tokensLeft) { await kv.delete(k.name); tokensDeleted++; }
  }
  console.log(`${login}: ${plural(grantsDeleted, "grant record")} and ${plural(tokensDeleted, "access token")} deleted (${kv.target.where})`);
  if (kv.target.where === "remote") {
    console.log("note: deployed KV propagates deletes within about 60 s: an access token may keep working that long\n" +
      "where it was cached, and `scripts/grants list` may show the deleted keys until then");
  }
}

async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) { console.log(USAGE); return; }
  const [command, ...rest] = opts.positionals;
  if (command === undefined) throw new UsageError("missing command (list or revoke)");
  if (command === "help") { console.log(USAGE); return; }
  if (command !== "list" && command !== "revoke") throw new UsageError(`unknown command ${JSON.stringify(command)} (list or revoke)`);
  const login = checkLogin(rest[0]);
  let grantId;
  if (command === "list") {
    if (rest.length > 1) throw new UsageError(`list takes one login, got extra ${JSON.stringify(rest.slice(1).join(" "))}`);
    if (opts.all || opts.yes) throw new UsageError("--all and --yes apply to revoke");
  } else {
    if (rest.length > 2) throw new UsageError(`revoke takes a login and a grant id, got extra ${JSON.stringify(rest.slice(2).join(" "))}`);
    if (opts.json) throw new UsageError("--json applies to list");
    grantId = rest[1];
    if (grantId !== undefined && opts.all) throw new UsageError("give a grant id or --all, not both");
    if (grantId === undefined && !opts.all) throw new UsageError("revoke needs a grant id or --all (`scripts/grants list <login>` shows the ids)");
    if (grantId !== undefined) checkGrantId(grantId);
  }
  const kv = new Kv(targetArgs(opts));
  if (command === "list") await list(kv, login, opts);
  else await revoke(kv, login, grantId, opts);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`grants: ${e.message}\nRun \`scripts/grants --help\` for usage.`);
    process.exitCode = 2;
  } else if (e instanceof ToolError) {
    console.error(`grants: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
