// The MCP messages the benchmark sends, and how it reads the replies. A Streamable HTTP reply is
// either JSON or a short SSE stream (`event: message` / `data: {...}`): the peer (agents' McpAgent)
// answers POST /mcp with text/event-stream, ours with application/json; both are accepted.
export const PROTOCOL_VERSION = "2025-06-18";
export const SSE_PROTOCOL_VERSION = "2024-11-05"; // what legacy HTTP+SSE clients send
export const LOGIN = "octocat"; // the stand-in's default user; also the user part of the baselines' tokens

export const initializeBody = (id = 1, protocolVersion = PROTOCOL_VERSION) => JSON.stringify({
  jsonrpc: "2.0", id, method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "bench", version: "1" } },
});
export const INITIALIZED_BODY = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
export const addBody = (id) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`;
export const userInfoBody = (id) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"userInfoOctokit","arguments":{}}}`;

// Headers of every POST /mcp (plus authorization and mcp-session-id once known).
export const BASE_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

// The JSON-RPC messages in a reply body: one JSON document, or the `data:` of each SSE event.
export function replyMessages(body) {
  const text = String(body ?? "").trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      const v = JSON.parse(text);
      return Array.isArray(v) ? v : [v];
    } catch {
      return [];
    }
  }
  const out = [];
  for (const block of text.replace(/\r\n?/g, "\n").split("\n\n")) {
    const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
    if (!data) continue;
    try {
      out.push(JSON.parse(data));
    } catch {}
  }
  return out;
}

// The text of the first content item of the reply to request `id` (undefined if there is none or
// it is an error).
export function toolText(body, id) {
  const m = replyMessages(body).find((x) => x && x.id === id);
  if (!m || !m.result || m.result.isError) return undefined;
  return m.result.content?.[0]?.text;
}

// Cheap checks for every measured reply (the first reply of each load is checked in full).
export const isAddReply = (body) => typeof body === "string" && body.includes('"text":"3"') && !body.includes('"isError":true');
export const isUserInfoReply = (body) => typeof body === "string" && body.includes(LOGIN) && !body.includes('"isError":true');
